//! The AWS services a workload calls, as the network sees them: the endpoint service names that
//! give a private path, the port, and what an endpoint policy must allow. Adding a service is one
//! constant here; the reachability engine (`reach`) reads nothing service-specific elsewhere.

/// One AWS API as a network destination.
#[derive(Debug, PartialEq, Eq)]
pub struct Service {
    /// How findings name it: "Secrets Manager".
    pub label: &'static str,
    /// The endpoint service name's last label, `com.amazonaws.<region>.<endpoint>`; also the
    /// first label of the regional host name `<endpoint>.<region>.amazonaws.com`.
    pub endpoint: &'static str,
    /// Reachable through an interface endpoint (AWS PrivateLink).
    pub interface: bool,
    /// Reachable through a gateway endpoint on the subnet's route table (S3 and DynamoDB only:
    /// https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html). A service with
    /// neither kind of endpoint is reached only along the route out.
    pub gateway: bool,
    /// The TCP port the SDK connects to.
    pub port: u16,
}

/// AWS Secrets Manager: interface endpoints only, HTTPS
/// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html).
pub const SECRETS_MANAGER: Service =
    Service { label: "Secrets Manager", endpoint: "secretsmanager", interface: true, gateway: false, port: 443 };

/// The Amazon RDS API (not the database itself), which the alternating-users rotations call when
/// the master secret is managed by RDS. Endpoint names of the services below:
/// https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
pub const RDS: Service = Service { label: "RDS", endpoint: "rds", interface: true, gateway: false, port: 443 };

/// The Amazon Redshift API.
pub const REDSHIFT: Service =
    Service { label: "Redshift", endpoint: "redshift", interface: true, gateway: false, port: 443 };

/// The Amazon Redshift Serverless API.
pub const REDSHIFT_SERVERLESS: Service = Service {
    label: "Redshift Serverless",
    endpoint: "redshift-serverless",
    interface: true,
    gateway: false,
    port: 443,
};

/// Every service the engine knows, for lookups by endpoint name.
pub const ALL: &[&Service] =
    &[&SECRETS_MANAGER, &RDS, &REDSHIFT, &REDSHIFT_SERVERLESS, &ECR_API, &ECR_DKR, &S3, &DYNAMODB, &LOGS, &SSM];

/// The service whose endpoint name is `endpoint` (`rds`, `secretsmanager`).
pub fn by_endpoint(endpoint: &str) -> Option<&'static Service> {
    ALL.iter().copied().find(|s| s.endpoint == endpoint)
}

/// Amazon ECR's API (authorization tokens, image manifests). Endpoint names for ECR and the
/// services below: https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
pub const ECR_API: Service =
    Service { label: "ECR API", endpoint: "ecr.api", interface: true, gateway: false, port: 443 };

/// The Docker registry API of Amazon ECR (image pulls).
pub const ECR_DKR: Service =
    Service { label: "ECR Docker registry", endpoint: "ecr.dkr", interface: true, gateway: false, port: 443 };

/// Amazon S3, where ECR keeps image layers: gateway and interface endpoints
/// (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
pub const S3: Service = Service { label: "S3", endpoint: "s3", interface: true, gateway: true, port: 443 };

/// Amazon DynamoDB: gateway and interface endpoints
/// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html).
pub const DYNAMODB: Service =
    Service { label: "DynamoDB", endpoint: "dynamodb", interface: true, gateway: true, port: 443 };

/// CloudWatch Logs (the `awslogs` log driver).
pub const LOGS: Service =
    Service { label: "CloudWatch Logs", endpoint: "logs", interface: true, gateway: false, port: 443 };

/// AWS Systems Manager, whose API serves Parameter Store (task secrets from parameters).
pub const SSM: Service =
    Service { label: "SSM Parameter Store", endpoint: "ssm", interface: true, gateway: false, port: 443 };

/// A container registry outside AWS (Docker Hub, a public registry): no endpoint reaches it,
/// only the route out to the internet
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
pub const REGISTRY: Service =
    Service { label: "the image registry", endpoint: "", interface: false, gateway: false, port: 443 };
