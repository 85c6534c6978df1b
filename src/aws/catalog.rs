//! The AWS services a workload may call, keyed by IAM action prefix: which VPC endpoints give a
//! private path to each, on which port, and which CloudFormation resources its actions act on.
//!
//! Endpoint service names (`com.amazonaws.<region>.<name>`) are those of "AWS services that
//! integrate with AWS PrivateLink"
//! (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html);
//! a test checks each against `data/aws/interface-endpoints.txt`, the AWS CDK's list. They differ
//! from the IAM prefix in places (`cloudwatch` → `monitoring`, `kinesis` → `kinesis-streams`).
//! Gateway endpoints exist only for S3 and DynamoDB
//! (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).

use std::sync::LazyLock;

use regex::Regex;

use crate::network::service::{self, Service};
use crate::network::{Endpoint, service_regex};
use crate::template::glob::glob;

/// One AWS service as IAM names it (`s3`, `cloudwatch`).
#[derive(Debug)]
pub struct AwsService {
    /// The IAM action prefix, lower case: `dynamodb` in `dynamodb:GetItem`.
    pub prefix: &'static str,
    /// How findings name it.
    pub label: &'static str,
    /// The service's endpoints. The first serves every action that [`AwsService::routes`] does
    /// not send elsewhere. With `interface: false` the service has no PrivateLink endpoint and is
    /// reached only through the route out (NAT).
    pub endpoints: &'static [Service],
    /// Actions (names after the prefix, compared case-insensitively) served by another of
    /// `endpoints`, by index.
    pub routes: &'static [(&'static str, usize)],
    /// The gateway endpoint's service name, for the two services that have one.
    pub gateway: Option<&'static str>,
    /// CloudFormation types of the resources its actions act on: an allowed action whose
    /// `Resource` names one of the template's resources of these types is strong evidence.
    pub resource_types: &'static [&'static str],
    /// An environment variable carrying such a resource's name, ARN or URL is evidence the code
    /// calls the service. `false` where the resource is a network destination of its own (a
    /// database, a file system) rather than something reached through the service's API.
    pub env_evidence: bool,
}

impl AwsService {
    /// Reachable through an interface endpoint at all.
    pub fn privatelink(&self) -> bool {
        self.endpoints.first().is_some_and(|e| e.interface)
    }

    /// The endpoint that serves `action` (the name after the prefix, e.g. `InvokeEndpoint`).
    pub fn endpoint_for(&self, action: &str) -> &'static Service {
        let index = self.routes.iter().find(|(a, _)| a.eq_ignore_ascii_case(action)).map_or(0, |&(_, i)| i);
        &self.endpoints[index]
    }

    /// The endpoints an action pattern (`Invoke*`, `*`) may need: the default one, and every other
    /// one serving an action the pattern matches.
    pub fn endpoints_for_pattern(&self, pattern: &str) -> Vec<&'static Service> {
        if !pattern.contains(['*', '?']) {
            return vec![self.endpoint_for(pattern)];
        }
        let mut out = vec![&self.endpoints[0]];
        for &(action, index) in self.routes {
            let endpoint = &self.endpoints[index];
            if glob(pattern, action) && !out.iter().any(|e| e.endpoint == endpoint.endpoint) {
                out.push(endpoint);
            }
        }
        out
    }
}

const fn https(label: &'static str, endpoint: &'static str) -> Service {
    Service { label, endpoint, interface: true, gateway: false, port: 443 }
}

/// A service with no PrivateLink endpoint: only the route out reaches it.
const fn public_only(label: &'static str, endpoint: &'static str) -> Service {
    Service { label, endpoint, interface: false, gateway: false, port: 443 }
}

/// The catalog, sorted by prefix.
pub const SERVICES: &[AwsService] = &[
    AwsService {
        prefix: "apigateway",
        label: "API Gateway management API",
        endpoints: &[https("API Gateway management API", "apigateway")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"],
        env_evidence: false,
    },
    // AppConfig: the AppConfig Agent Lambda extension calls the data plane from the function's
    // environment (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-security.html).
    AwsService {
        prefix: "appconfig",
        label: "AppConfig",
        endpoints: &[https("AppConfig", "appconfig"), https("AppConfig Data", "appconfigdata")],
        routes: &[("StartConfigurationSession", 1), ("GetLatestConfiguration", 1)],
        gateway: None,
        resource_types: &[
            "AWS::AppConfig::Application",
            "AWS::AppConfig::Environment",
            "AWS::AppConfig::ConfigurationProfile",
        ],
        env_evidence: true,
    },
    AwsService {
        prefix: "athena",
        label: "Athena",
        endpoints: &[https("Athena", "athena")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Athena::WorkGroup", "AWS::Athena::NamedQuery", "AWS::Athena::DataCatalog"],
        env_evidence: true,
    },
    // Bedrock splits its APIs over four endpoints
    // (https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html).
    AwsService {
        prefix: "bedrock",
        label: "Bedrock",
        endpoints: &[
            https("Bedrock", "bedrock"),
            https("Bedrock Runtime", "bedrock-runtime"),
            https("Bedrock Agents", "bedrock-agent"),
            https("Bedrock Agents Runtime", "bedrock-agent-runtime"),
        ],
        routes: &[
            ("InvokeModel", 1),
            ("InvokeModelWithResponseStream", 1),
            ("Converse", 1),
            ("ConverseStream", 1),
            ("ApplyGuardrail", 1),
            ("StartAsyncInvoke", 1),
            ("CreateAgent", 2),
            ("GetAgent", 2),
            ("ListAgents", 2),
            ("CreateKnowledgeBase", 2),
            ("GetKnowledgeBase", 2),
            ("StartIngestionJob", 2),
            ("InvokeAgent", 3),
            ("InvokeInlineAgent", 3),
            ("Retrieve", 3),
            ("RetrieveAndGenerate", 3),
        ],
        gateway: None,
        resource_types: &["AWS::Bedrock::Agent", "AWS::Bedrock::KnowledgeBase", "AWS::Bedrock::Guardrail"],
        env_evidence: true,
    },
    // Amazon Keyspaces: the CQL endpoint on TLS port 9142
    // (https://docs.aws.amazon.com/keyspaces/latest/devguide/vpc-endpoints.html).
    AwsService {
        prefix: "cassandra",
        label: "Keyspaces",
        endpoints: &[Service {
            label: "Keyspaces",
            endpoint: "cassandra",
            interface: true,
            gateway: false,
            port: 9142,
        }],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Cassandra::Keyspace", "AWS::Cassandra::Table"],
        env_evidence: true,
    },
    AwsService {
        prefix: "cloudformation",
        label: "CloudFormation",
        endpoints: &[https("CloudFormation", "cloudformation")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::CloudFormation::Stack"],
        env_evidence: true,
    },
    // CloudFront has no PrivateLink endpoint; its API is global.
    AwsService {
        prefix: "cloudfront",
        label: "CloudFront",
        endpoints: &[public_only("CloudFront", "cloudfront")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::CloudFront::Distribution"],
        env_evidence: true,
    },
    AwsService {
        prefix: "cloudwatch",
        label: "CloudWatch",
        endpoints: &[https("CloudWatch", "monitoring")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard"],
        env_evidence: true,
    },
    AwsService {
        prefix: "codeartifact",
        label: "CodeArtifact",
        endpoints: &[
            https("CodeArtifact", "codeartifact.api"),
            https("CodeArtifact repositories", "codeartifact.repositories"),
        ],
        routes: &[("ReadFromRepository", 1), ("PublishPackageVersion", 1), ("PutPackageMetadata", 1)],
        gateway: None,
        resource_types: &["AWS::CodeArtifact::Domain", "AWS::CodeArtifact::Repository"],
        env_evidence: true,
    },
    AwsService {
        prefix: "codecommit",
        label: "CodeCommit",
        endpoints: &[https("CodeCommit", "codecommit"), https("CodeCommit Git", "git-codecommit")],
        routes: &[("GitPull", 1), ("GitPush", 1)],
        gateway: None,
        resource_types: &["AWS::CodeCommit::Repository"],
        env_evidence: true,
    },
    AwsService {
        prefix: "codepipeline",
        label: "CodePipeline",
        endpoints: &[https("CodePipeline", "codepipeline")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::CodePipeline::Pipeline"],
        env_evidence: true,
    },
    AwsService {
        prefix: "cognito-identity",
        label: "Cognito identity pools",
        endpoints: &[https("Cognito identity pools", "cognito-identity")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Cognito::IdentityPool"],
        env_evidence: true,
    },
    AwsService {
        prefix: "cognito-idp",
        label: "Cognito user pools",
        endpoints: &[https("Cognito user pools", "cognito-idp")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"],
        env_evidence: true,
    },
    AwsService {
        prefix: "comprehend",
        label: "Comprehend",
        endpoints: &[https("Comprehend", "comprehend")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    // DynamoDB: a gateway endpoint and an interface endpoint; DynamoDB Streams has an interface
    // endpoint only (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-streams.html).
    AwsService {
        prefix: "dynamodb",
        label: "DynamoDB",
        endpoints: &[service::DYNAMODB, https("DynamoDB Streams", "dynamodb-streams")],
        routes: &[("GetRecords", 1), ("GetShardIterator", 1), ("DescribeStream", 1), ("ListStreams", 1)],
        gateway: Some("dynamodb"),
        resource_types: &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"],
        env_evidence: true,
    },
    AwsService {
        prefix: "ec2",
        label: "EC2",
        endpoints: &[https("EC2", "ec2")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::SecurityGroup"],
        env_evidence: false,
    },
    // ECR: SDK actions go to `ecr.api`; `ecr.dkr` serves the Docker Registry API that image pulls
    // use (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
    AwsService {
        prefix: "ecr",
        label: "ECR",
        endpoints: &[service::ECR_API, service::ECR_DKR],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::ECR::Repository"],
        env_evidence: true,
    },
    AwsService {
        prefix: "ecs",
        label: "ECS",
        endpoints: &[https("ECS", "ecs")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition"],
        env_evidence: true,
    },
    AwsService {
        prefix: "eks",
        label: "EKS",
        endpoints: &[https("EKS", "eks")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::EKS::Cluster"],
        env_evidence: true,
    },
    AwsService {
        prefix: "elasticache",
        label: "ElastiCache API",
        endpoints: &[https("ElastiCache API", "elasticache")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup"],
        env_evidence: false,
    },
    // The EFS API; mounting goes to the file system's mount targets over NFS, not here.
    AwsService {
        prefix: "elasticfilesystem",
        label: "EFS API",
        endpoints: &[https("EFS API", "elasticfilesystem")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::EFS::FileSystem", "AWS::EFS::AccessPoint"],
        env_evidence: false,
    },
    AwsService {
        prefix: "elasticmapreduce",
        label: "EMR",
        endpoints: &[https("EMR", "elasticmapreduce")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::EMR::Cluster"],
        env_evidence: true,
    },
    AwsService {
        prefix: "events",
        label: "EventBridge",
        endpoints: &[https("EventBridge", "events")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Events::Archive"],
        env_evidence: true,
    },
    AwsService {
        prefix: "execute-api",
        label: "API Gateway (invoke)",
        endpoints: &[https("API Gateway (invoke)", "execute-api")],
        routes: &[],
        gateway: None,
        resource_types: &[
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGatewayV2::Api",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
        ],
        env_evidence: true,
    },
    AwsService {
        prefix: "firehose",
        label: "Data Firehose",
        endpoints: &[https("Data Firehose", "kinesis-firehose")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::KinesisFirehose::DeliveryStream"],
        env_evidence: true,
    },
    AwsService {
        prefix: "glue",
        label: "Glue",
        endpoints: &[https("Glue", "glue")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Glue::Database", "AWS::Glue::Table", "AWS::Glue::Job", "AWS::Glue::Crawler"],
        env_evidence: true,
    },
    // The Amazon MSK API (not the brokers, which are a network destination of their own).
    AwsService {
        prefix: "kafka",
        label: "MSK API",
        endpoints: &[https("MSK API", "kafka")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"],
        env_evidence: false,
    },
    AwsService {
        prefix: "kinesis",
        label: "Kinesis Data Streams",
        endpoints: &[https("Kinesis Data Streams", "kinesis-streams")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer"],
        env_evidence: true,
    },
    AwsService {
        prefix: "kms",
        label: "KMS",
        endpoints: &[https("KMS", "kms")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::KMS::Key", "AWS::KMS::Alias", "AWS::KMS::ReplicaKey"],
        env_evidence: true,
    },
    AwsService {
        prefix: "lambda",
        label: "Lambda",
        endpoints: &[https("Lambda", "lambda")],
        routes: &[],
        gateway: None,
        resource_types: &[
            "AWS::Lambda::Function",
            "AWS::Serverless::Function",
            "AWS::Lambda::Alias",
            "AWS::Lambda::Version",
        ],
        env_evidence: true,
    },
    AwsService {
        prefix: "logs",
        label: "CloudWatch Logs",
        endpoints: &[service::LOGS],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Logs::LogGroup", "AWS::Logs::LogStream"],
        env_evidence: true,
    },
    AwsService {
        prefix: "polly",
        label: "Polly",
        endpoints: &[https("Polly", "polly")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    AwsService {
        prefix: "rds",
        label: "RDS API",
        endpoints: &[service::RDS],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBProxy"],
        env_evidence: false,
    },
    // The RDS Data API (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.vpc-endpoint.html).
    AwsService {
        prefix: "rds-data",
        label: "RDS Data API",
        endpoints: &[https("RDS Data API", "rds-data")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::RDS::DBCluster"],
        env_evidence: false,
    },
    AwsService {
        prefix: "redshift",
        label: "Redshift API",
        endpoints: &[service::REDSHIFT],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Redshift::Cluster"],
        env_evidence: false,
    },
    AwsService {
        prefix: "redshift-data",
        label: "Redshift Data API",
        endpoints: &[https("Redshift Data API", "redshift-data")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Redshift::Cluster", "AWS::RedshiftServerless::Workgroup"],
        env_evidence: false,
    },
    AwsService {
        prefix: "redshift-serverless",
        label: "Redshift Serverless API",
        endpoints: &[service::REDSHIFT_SERVERLESS],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::RedshiftServerless::Workgroup", "AWS::RedshiftServerless::Namespace"],
        env_evidence: false,
    },
    AwsService {
        prefix: "rekognition",
        label: "Rekognition",
        endpoints: &[https("Rekognition", "rekognition")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::Rekognition::Collection"],
        env_evidence: true,
    },
    AwsService {
        prefix: "s3",
        label: "S3",
        endpoints: &[service::S3],
        routes: &[],
        gateway: Some("s3"),
        resource_types: &["AWS::S3::Bucket", "AWS::S3::AccessPoint"],
        env_evidence: true,
    },
    // SageMaker: the API, the runtime (InvokeEndpoint) and the Feature Store runtime
    // (https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html).
    AwsService {
        prefix: "sagemaker",
        label: "SageMaker",
        endpoints: &[
            https("SageMaker API", "sagemaker.api"),
            https("SageMaker Runtime", "sagemaker.runtime"),
            https("SageMaker Feature Store Runtime", "sagemaker.featurestore-runtime"),
        ],
        routes: &[
            ("InvokeEndpoint", 1),
            ("InvokeEndpointAsync", 1),
            ("InvokeEndpointWithResponseStream", 1),
            ("PutRecord", 2),
            ("GetRecord", 2),
            ("DeleteRecord", 2),
            ("BatchGetRecord", 2),
        ],
        gateway: None,
        resource_types: &["AWS::SageMaker::Endpoint", "AWS::SageMaker::Model", "AWS::SageMaker::FeatureGroup"],
        env_evidence: true,
    },
    AwsService {
        prefix: "secretsmanager",
        label: "Secrets Manager",
        endpoints: &[service::SECRETS_MANAGER],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::SecretsManager::Secret"],
        env_evidence: true,
    },
    // SES: the API is `email` (SMTP, `email-smtp`, is not an IAM-authorized API call).
    AwsService {
        prefix: "ses",
        label: "SES",
        endpoints: &[https("SES", "email")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::SES::ConfigurationSet", "AWS::SES::EmailIdentity", "AWS::SES::Template"],
        env_evidence: true,
    },
    AwsService {
        prefix: "sns",
        label: "SNS",
        endpoints: &[https("SNS", "sns")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::SNS::Topic"],
        env_evidence: true,
    },
    AwsService {
        prefix: "sqs",
        label: "SQS",
        endpoints: &[https("SQS", "sqs")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::SQS::Queue"],
        env_evidence: true,
    },
    AwsService {
        prefix: "ssm",
        label: "Systems Manager",
        endpoints: &[service::SSM],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::SSM::Parameter", "AWS::SSM::Document"],
        env_evidence: true,
    },
    AwsService {
        prefix: "ssmmessages",
        label: "Session Manager messages",
        endpoints: &[https("Session Manager messages", "ssmmessages")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    // Step Functions: `sync-states` serves synchronous Express executions
    // (https://docs.aws.amazon.com/step-functions/latest/dg/vpc-endpoints.html).
    AwsService {
        prefix: "states",
        label: "Step Functions",
        endpoints: &[https("Step Functions", "states"), https("Step Functions (synchronous)", "sync-states")],
        routes: &[("StartSyncExecution", 1)],
        gateway: None,
        resource_types: &[
            "AWS::StepFunctions::StateMachine",
            "AWS::Serverless::StateMachine",
            "AWS::StepFunctions::Activity",
        ],
        env_evidence: true,
    },
    // STS: only the regional endpoint is reachable through an interface endpoint
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_interface_vpc_endpoints.html).
    AwsService {
        prefix: "sts",
        label: "STS",
        endpoints: &[https("STS", "sts")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    AwsService {
        prefix: "textract",
        label: "Textract",
        endpoints: &[https("Textract", "textract")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    AwsService {
        prefix: "translate",
        label: "Translate",
        endpoints: &[https("Translate", "translate")],
        routes: &[],
        gateway: None,
        resource_types: &[],
        env_evidence: true,
    },
    AwsService {
        prefix: "xray",
        label: "X-Ray",
        endpoints: &[https("X-Ray", "xray")],
        routes: &[],
        gateway: None,
        resource_types: &["AWS::XRay::Group", "AWS::XRay::SamplingRule"],
        env_evidence: true,
    },
];

/// The service with this IAM prefix (case-insensitive).
pub fn by_prefix(prefix: &str) -> Option<&'static AwsService> {
    SERVICES.iter().find(|s| s.prefix.eq_ignore_ascii_case(prefix))
}

/// The service whose actions act on resources of this CloudFormation type (the first one listed:
/// `AWS::RDS::DBCluster` is the RDS API's before the Data API's).
pub fn by_resource_type(type_name: &str) -> Option<&'static AwsService> {
    SERVICES.iter().find(|s| s.resource_types.contains(&type_name))
}

/// Every endpoint of every service, for lookups by endpoint name (a superset of
/// [`service::ALL`]).
pub fn endpoint(name: &str) -> Option<&'static Service> {
    SERVICES.iter().flat_map(|s| s.endpoints).find(|e| e.endpoint == name)
}

/// Every endpoint a VPC endpoint can be created for (interface or gateway), with the pattern of
/// its service name, compiled once.
static ENDPOINT_PATTERNS: LazyLock<Vec<(&'static Service, Regex)>> = LazyLock::new(|| {
    SERVICES
        .iter()
        .flat_map(|s| s.endpoints)
        .filter(|e| e.interface || e.gateway)
        .filter_map(|e| Some((e, service_regex(e.endpoint)?)))
        .collect()
});

/// The catalog service a VPC endpoint is for, when its `ServiceName` certainly names one
/// (`com.amazonaws.<region>.sqs`, its `-fips` or `cn.` form); `None` when absent, unknown, or
/// spelled differently in different condition branches.
pub fn endpoint_service(endpoint: &Endpoint) -> Option<&'static Service> {
    let name = endpoint.service.as_ref()?;
    ENDPOINT_PATTERNS.iter().find(|(_, re)| name.matches_pattern(re) == Some(true)).map(|(s, _)| *s)
}

/// The interface endpoint service names the AWS CDK knows (see `data/aws/regenerate.py`).
const KNOWN_ENDPOINTS: &str = include_str!("../../data/aws/interface-endpoints.txt");

/// Is `name` a known interface endpoint service name (`com.amazonaws.<region>.<name>`)?
pub fn is_known_endpoint(name: &str) -> bool {
    KNOWN_ENDPOINTS.lines().any(|l| !l.starts_with('#') && l == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn prefixes_are_unique_lower_case_and_sorted() {
        let prefixes: Vec<&str> = SERVICES.iter().map(|s| s.prefix).collect();
        let mut sorted = prefixes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(prefixes, sorted);
        assert!(prefixes.iter().all(|p| p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
    }

    #[test]
    fn only_s3_and_dynamodb_have_gateway_endpoints() {
        let gateways: Vec<&str> = SERVICES.iter().filter(|s| s.gateway.is_some()).map(|s| s.prefix).collect();
        assert_eq!(gateways, ["dynamodb", "s3"]);
        assert!(SERVICES.iter().all(|s| s.gateway.is_none_or(|g| g == s.prefix)));
    }

    #[test]
    fn every_interface_endpoint_is_a_known_service_name() {
        assert!(KNOWN_ENDPOINTS.lines().count() > 300, "the data file is truncated");
        for s in SERVICES {
            assert!(!s.endpoints.is_empty(), "{}", s.prefix);
            for e in s.endpoints.iter().filter(|e| e.interface) {
                assert!(is_known_endpoint(e.endpoint), "{}: {}", s.prefix, e.endpoint);
            }
            // A service without PrivateLink has no interface endpoint at all.
            assert!(s.endpoints.iter().all(|e| e.interface == s.privatelink()), "{}", s.prefix);
        }
        assert!(!is_known_endpoint("cloudfront") && !is_known_endpoint("# generated"));
    }

    #[test]
    fn routes_point_at_endpoints_and_endpoint_names_are_unique() {
        let mut names = BTreeSet::new();
        for s in SERVICES {
            for &(action, index) in s.routes {
                assert!(index > 0 && index < s.endpoints.len(), "{}:{action}", s.prefix);
            }
            for e in s.endpoints {
                assert!(names.insert(e.endpoint), "{} listed twice", e.endpoint);
                assert!(e.port == 443 || s.prefix == "cassandra");
            }
        }
    }

    #[test]
    fn the_engine_services_are_in_the_catalog() {
        for s in service::ALL {
            assert_eq!(endpoint(s.endpoint), Some(*s));
        }
    }

    #[test]
    fn names_that_differ_from_the_prefix() {
        let first = |p: &str| by_prefix(p).map(|s| s.endpoints[0].endpoint);
        assert_eq!(first("cloudwatch"), Some("monitoring"));
        assert_eq!(first("Kinesis"), Some("kinesis-streams"));
        assert_eq!(first("firehose"), Some("kinesis-firehose"));
        assert_eq!(first("ses"), Some("email"));
        let ecr: Vec<&str> =
            by_prefix("ecr").map(|s| s.endpoints.iter().map(|e| e.endpoint).collect()).unwrap_or_default();
        assert_eq!(ecr, ["ecr.api", "ecr.dkr"]);
        assert_eq!(by_prefix("cassandra").map(|s| s.endpoints[0].port), Some(9142));
        assert_eq!(by_prefix("cloudfront").map(AwsService::privatelink), Some(false));
        assert_eq!(by_resource_type("AWS::Serverless::SimpleTable").map(|s| s.prefix), Some("dynamodb"));
    }

    #[test]
    fn actions_choose_endpoints() {
        let Some(sagemaker) = by_prefix("sagemaker") else { panic!("sagemaker") };
        assert_eq!(sagemaker.endpoint_for("invokeendpoint").endpoint, "sagemaker.runtime");
        assert_eq!(sagemaker.endpoint_for("CreateModel").endpoint, "sagemaker.api");
        let names = |p: &str| sagemaker.endpoints_for_pattern(p).iter().map(|e| e.endpoint).collect::<Vec<_>>();
        assert_eq!(names("Invoke*"), ["sagemaker.api", "sagemaker.runtime"]);
        assert_eq!(names("*").len(), 3);
        let Some(states) = by_prefix("states") else { panic!("states") };
        assert_eq!(states.endpoint_for("StartSyncExecution").endpoint, "sync-states");
        assert_eq!(states.endpoint_for("StartExecution").endpoint, "states");
    }
}
