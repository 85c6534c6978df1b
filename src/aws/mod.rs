//! What rotlint knows about AWS services a workload calls: the service catalog (IAM prefix →
//! endpoints), SAM policy templates, AWS managed policies, and the inference of which services a
//! Lambda function calls from its role, SAM policies, connectors and environment.

pub mod calls;
pub mod catalog;
pub mod managed_policies;
pub mod sam_policies;
