//! Finding rotation functions (and, later, their targets) in a template.
//!
//! Every form a rotation function takes (custom `AWS::Lambda::Function` or
//! `AWS::Serverless::Function`, `HostedRotationLambda`, a Serverless Application Repository app, a
//! permission-only function; see the README's rule table) ends up as one
//! [`RotationFunction`]: its placement (VPC or not, subnets, security groups) and the Secrets
//! Manager host it calls. Functions that no linted template defines are [`ExternalFunction`]s.

mod extra_api;
mod functions;
mod targets;
mod values;

pub use extra_api::{Master, master_secret};
pub use functions::{
    ExternalFunction, FunctionKind, Host, LAMBDA, ROTATION_SCHEDULE, RotationFunction, Rotations, SAM_APPLICATION,
    SAM_FUNCTION, Schedule, VPC_ENDPOINT, VpcAttachment, attachment_from_config, discover, function_named,
    literal_external_names, permitted_functions,
};
pub use targets::{Link, SecretLinks, Target, TargetFamily, read_types as target_read_types, target_of, unseen_target};
pub use values::{references_of_type, split_comma_list};
