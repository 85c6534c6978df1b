//! Which AWS rotations call another AWS API besides Secrets Manager, read from AWS's rotation code
//! (aws-samples/aws-secrets-manager-rotation-lambdas): the RDS and Redshift alternating-users
//! templates call `rds`/`redshift`/`redshift-serverless` only when the master secret is managed by
//! the database service (they then look the connection up). MongoDB multi-user calls nothing else.

use super::functions::{FunctionKind, RotationFunction};
use crate::network::service::{self, Service};
use crate::source::tree::Span;
use crate::template::{Evaluator, Value, ValueKind};

/// What the rotation's master secret is, as far as the extra API call is concerned.
#[derive(Clone, Debug, PartialEq)]
pub enum Master {
    /// Managed by RDS or Redshift: the rotation certainly calls `service`.
    Managed { service: &'static Service, span: Span },
    /// A parameter, import or literal ARN: it may be managed, so `service` may be called.
    Unseen { service: &'static Service, value: Value },
}

impl Master {
    /// The API the rotation calls (or may call).
    pub fn service(&self) -> &'static Service {
        match self {
            Master::Managed { service, .. } | Master::Unseen { service, .. } => service,
        }
    }
}

/// The master secret of an AWS alternating-users rotation that may call another API; `None` when
/// it certainly calls none (single user, MongoDB, a master secret of this template, a custom
/// function whose code rotlint cannot read).
pub fn master_secret(ev: &Evaluator<'_>, f: &RotationFunction) -> Option<Master> {
    let res = ev.template().resource(&f.id)?;
    let (name, master) = match &f.kind {
        FunctionKind::Hosted { rotation_type } => {
            (rotation_type.clone()?, ev.property(res, "HostedRotationLambda.MasterSecretArn")?)
        }
        FunctionKind::Sar => {
            (ev.property(res, "Location.ApplicationId")?.display(), ev.property(res, "Parameters.masterSecretArn")?)
        }
        FunctionKind::Lambda | FunctionKind::Serverless => return None,
    };
    if !name.contains("MultiUser") || name.contains("MongoDB") {
        return None;
    }
    let family = if name.contains("Redshift") { &service::REDSHIFT } else { &service::RDS };
    classify(ev, &master, family)
}

fn classify(ev: &Evaluator<'_>, value: &Value, family: &'static Service) -> Option<Master> {
    match &value.kind {
        ValueKind::GetAtt { resource, attribute } => {
            let type_name = ev.template().resource(resource).map(|r| r.type_name.as_str())?;
            let service = match (type_name, attribute.as_str()) {
                ("AWS::RDS::DBInstance" | "AWS::RDS::DBCluster", "MasterUserSecret.SecretArn") => &service::RDS,
                ("AWS::Redshift::Cluster", "MasterPasswordSecretArn") => &service::REDSHIFT,
                ("AWS::RedshiftServerless::Namespace", "Namespace.AdminPasswordSecretArn") => {
                    &service::REDSHIFT_SERVERLESS
                }
                _ => return None,
            };
            Some(Master::Managed { service, span: value.span })
        }
        // A secret of this template: its connection details are in it, no lookup.
        ValueKind::Ref(_) => None,
        ValueKind::Parameter(_) | ValueKind::Import(_) | ValueKind::Str(_) | ValueKind::Concat(_) => {
            Some(Master::Unseen { service: family, value: value.clone() })
        }
        _ => None,
    }
}
