//! What rotlint knows about AWS services a workload calls: the service catalog (IAM prefix →
//! endpoints), SAM policy templates and AWS managed policies.

pub mod catalog;
pub mod managed_policies;
pub mod sam_policies;
