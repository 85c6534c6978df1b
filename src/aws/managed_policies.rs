//! Common AWS managed policies: which AWS services they let a function's code call.
//!
//! Each entry is read from the policy's page in the AWS Managed Policy Reference Guide,
//! `https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html`. A policy
//! granting only what Lambda itself does on the function's behalf (its own logs, its network
//! interfaces, event-source polling, X-Ray segments) lets the code call nothing; a policy named
//! for one service is read as "calls that service", weak evidence since its resource is `*`. A
//! policy not listed here is unknown, never guessed.

use super::sam_policies::is_full_access;

/// What a managed policy tells about the calls a function makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grants {
    /// Only what the Lambda service does for the function: its own CloudWatch Logs, the ENI
    /// `ec2:` actions, event-source polling, X-Ray trace segments.
    Platform,
    /// The services (IAM prefixes) it is made for, on every resource.
    Services(&'static [&'static str]),
    /// Every service (`AdministratorAccess`): which ones the code calls cannot be told.
    Everything,
}

#[derive(Debug)]
pub struct ManagedPolicy {
    pub name: &'static str,
    /// The ARN's path: `service-role/` or empty.
    pub path: &'static str,
    pub grants: Grants,
}

impl ManagedPolicy {
    /// A `*FullAccess` policy.
    pub fn full_access(&self) -> bool {
        is_full_access(self.name)
    }
}

const fn platform(name: &'static str, path: &'static str) -> ManagedPolicy {
    ManagedPolicy { name, path, grants: Grants::Platform }
}

const fn services(name: &'static str, prefixes: &'static [&'static str]) -> ManagedPolicy {
    ManagedPolicy { name, path: "", grants: Grants::Services(prefixes) }
}

/// Sorted by name.
pub const POLICIES: &[ManagedPolicy] = &[
    services("AWSCodeArtifactReadOnlyAccess", &["codeartifact", "sts"]),
    // Lambda invokes the function for event sources; these grant the polling and the logs.
    platform("AWSLambdaBasicExecutionRole", "service-role/"),
    platform("AWSLambdaDynamoDBExecutionRole", "service-role/"),
    platform("AWSLambdaENIManagementAccess", "service-role/"),
    // `logs:*` and `s3:GetObject`/`s3:PutObject` on every object.
    services("AWSLambdaExecute", &["s3"]),
    platform("AWSLambdaKinesisExecutionRole", "service-role/"),
    platform("AWSLambdaMSKExecutionRole", "service-role/"),
    ManagedPolicy { name: "AWSLambdaRole", path: "service-role/", grants: Grants::Services(&["lambda"]) },
    platform("AWSLambdaSQSQueueExecutionRole", "service-role/"),
    platform("AWSLambdaVPCAccessExecutionRole", "service-role/"),
    ManagedPolicy { name: "AWSLambda_FullAccess", path: "", grants: Grants::Everything },
    services("AWSStepFunctionsFullAccess", &["states"]),
    platform("AWSXRayDaemonWriteAccess", ""),
    platform("AWSXrayWriteOnlyAccess", ""),
    ManagedPolicy { name: "AdministratorAccess", path: "", grants: Grants::Everything },
    services("AmazonAPIGatewayInvokeFullAccess", &["execute-api"]),
    services("AmazonAthenaFullAccess", &["athena"]),
    services("AmazonBedrockFullAccess", &["bedrock"]),
    services("AmazonCognitoPowerUser", &["cognito-identity", "cognito-idp"]),
    services("AmazonDynamoDBFullAccess", &["dynamodb"]),
    services("AmazonDynamoDBReadOnlyAccess", &["dynamodb"]),
    services("AmazonEC2ContainerRegistryFullAccess", &["ecr"]),
    services("AmazonEC2ContainerRegistryPowerUser", &["ecr"]),
    services("AmazonEC2ContainerRegistryReadOnly", &["ecr"]),
    services("AmazonEC2ReadOnlyAccess", &["ec2"]),
    ManagedPolicy {
        name: "AmazonECSTaskExecutionRolePolicy",
        path: "service-role/",
        grants: Grants::Services(&["ecr"]),
    },
    services("AmazonECS_FullAccess", &["ecs"]),
    services("AmazonEventBridgeFullAccess", &["events"]),
    services("AmazonKeyspacesFullAccess", &["cassandra"]),
    services("AmazonKeyspacesReadOnlyAccess", &["cassandra"]),
    services("AmazonKinesisFirehoseFullAccess", &["firehose"]),
    services("AmazonKinesisFullAccess", &["kinesis"]),
    services("AmazonKinesisReadOnlyAccess", &["kinesis"]),
    services("AmazonMSKFullAccess", &["kafka"]),
    services("AmazonMSKReadOnlyAccess", &["kafka"]),
    services("AmazonPollyFullAccess", &["polly"]),
    services("AmazonPollyReadOnlyAccess", &["polly"]),
    services("AmazonRDSDataFullAccess", &["rds-data"]),
    services("AmazonRDSFullAccess", &["rds"]),
    services("AmazonRDSReadOnlyAccess", &["rds"]),
    services("AmazonRedshiftDataFullAccess", &["redshift-data"]),
    services("AmazonRekognitionFullAccess", &["rekognition"]),
    services("AmazonRekognitionReadOnlyAccess", &["rekognition"]),
    services("AmazonS3FullAccess", &["s3"]),
    services("AmazonS3ReadOnlyAccess", &["s3"]),
    services("AmazonSESFullAccess", &["ses"]),
    services("AmazonSNSFullAccess", &["sns"]),
    services("AmazonSNSReadOnlyAccess", &["sns"]),
    services("AmazonSQSFullAccess", &["sqs"]),
    services("AmazonSQSReadOnlyAccess", &["sqs"]),
    services("AmazonSSMFullAccess", &["ssm"]),
    services("AmazonSSMManagedInstanceCore", &["ssm", "ssmmessages"]),
    services("AmazonSSMReadOnlyAccess", &["ssm"]),
    services("AmazonSageMakerFullAccess", &["sagemaker"]),
    services("AmazonTextractFullAccess", &["textract"]),
    services("CloudWatchFullAccess", &["cloudwatch"]),
    // The Lambda Insights extension sends its records to CloudWatch Logs from the function's
    // execution environment: a function in a private subnet needs a CloudWatch Logs endpoint
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Lambda-Insights-Getting-Started-clouddevelopmentkit.html).
    services("CloudWatchLambdaInsightsExecutionRolePolicy", &["logs"]),
    // `logs:*`: read, like an inline `logs:*`, as the function's own logging.
    platform("CloudWatchLogsFullAccess", ""),
    services("ComprehendFullAccess", &["comprehend"]),
    ManagedPolicy { name: "PowerUserAccess", path: "", grants: Grants::Everything },
    ManagedPolicy { name: "ReadOnlyAccess", path: "", grants: Grants::Everything },
    services("SecretsManagerReadWrite", &["secretsmanager"]),
    services("TranslateReadOnly", &["translate"]),
];

/// A managed policy by name (`AmazonS3ReadOnlyAccess`), as SAM's `Policies` accepts.
pub fn by_name(name: &str) -> Option<&'static ManagedPolicy> {
    POLICIES.iter().find(|p| p.name == name)
}

/// The AWS managed policy an ARN names: `arn:<partition>:iam::aws:policy/[path]Name`, the partition
/// possibly a placeholder (`*` or `${AWS::Partition}`). `Err(name)` for an AWS managed policy not
/// in the table; `None` when the text is not an AWS managed policy ARN at all.
pub fn by_arn(arn: &str) -> Option<Result<&'static ManagedPolicy, String>> {
    let (_, rest) = arn.split_once(":iam::aws:policy/")?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    Some(by_name(name).ok_or_else(|| name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::catalog;
    use super::*;

    #[test]
    fn names_are_unique_and_sorted_and_prefixes_are_in_the_catalog() {
        let names: Vec<&str> = POLICIES.iter().map(|p| p.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for p in POLICIES {
            assert!(p.path.is_empty() || p.path == "service-role/", "{}", p.name);
            if let Grants::Services(prefixes) = p.grants {
                assert!(!prefixes.is_empty());
                for prefix in prefixes {
                    assert!(catalog::by_prefix(prefix).is_some(), "{}: {prefix}", p.name);
                }
            }
        }
    }

    #[test]
    fn arns() {
        let found = |arn: &str| by_arn(arn).map(|r| r.map(|p| p.name));
        assert_eq!(
            found("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
            Some(Ok("AWSLambdaBasicExecutionRole"))
        );
        assert_eq!(found("arn:*:iam::aws:policy/AmazonS3ReadOnlyAccess"), Some(Ok("AmazonS3ReadOnlyAccess")));
        assert_eq!(found("arn:aws:iam::aws:policy/AWSIoTDataAccess"), Some(Err("AWSIoTDataAccess".to_owned())));
        assert_eq!(found("arn:aws:iam::123456789012:policy/mine"), None);
        assert_eq!(by_name("AWSLambdaVPCAccessExecutionRole").map(|p| p.grants), Some(Grants::Platform));
        assert!(by_name("AmazonSQSFullAccess").is_some_and(ManagedPolicy::full_access));
        assert!(!by_name("AmazonSQSReadOnlyAccess").is_some_and(ManagedPolicy::full_access));
    }
}
