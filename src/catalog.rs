//! The rule catalog: what each rule is (id, name, level, category, precision, whether it
//! offers a fix, its document), independent of how it finds anything.
//!
//! This is the ground floor of rule identity. Every layer that makes or reads findings names a
//! rule through the statics here: the loader (`source`: RL001, RL002, RL004, RL005), the template
//! model (`template`: RL001, RL003, RL004), the engine (`lint`: RL001, RL004 for files it cannot
//! read), the suppression layer (`suppress`: RL904), the report layer (SARIF's rule descriptors)
//! and the rules' checks (`rules`), whose registry pairs every entry with its check. The catalog
//! depends on nothing else in the crate, and the rules module depends on it, never the other way,
//! so the loader and the model name their findings without knowing any rule's check.

use std::fmt;

/// How serious a finding is. Ordered so that `Error > Warning > Note`, which is what
/// `--fail-level` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// The family of a rule: the hundreds digit of its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// RL0xx: the file cannot be read as a template, or only partly.
    Loading,
    /// RL1xx: reaching the Secrets Manager API.
    SecretsManager,
    /// RL2xx: reaching the database whose password rotates.
    Database,
    /// RL3xx: the rotation's configuration (schedule, function, permissions).
    Configuration,
    /// RL4xx: the AWS APIs a workload calls.
    Services,
    /// RL5xx: what a Fargate task needs before its containers start.
    Tasks,
    /// RL9xx: what the analysis could not decide.
    Notes,
    /// RL9xx: the suppressions themselves.
    Suppressions,
}

impl Category {
    /// How every id of the family starts.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Category::Loading => "RL0",
            Category::SecretsManager => "RL1",
            Category::Database => "RL2",
            Category::Configuration => "RL3",
            Category::Services => "RL4",
            Category::Tasks => "RL5",
            Category::Notes | Category::Suppressions => "RL9",
        }
    }
}

/// How often a finding of the rule is a true problem (SARIF's `precision` property): loading and
/// suppression facts are certain; network verdicts rest on a model of AWS; notes say the tool
/// could not decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

/// What a rule is, independent of any input. `docs` is `rules/<ID>.md`.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub category: Category,
    pub precision: Precision,
    /// Whether some of its findings carry a [`crate::diagnostic::Fix`].
    pub has_fix: bool,
    pub summary: &'static str,
    pub docs: &'static str,
}

impl fmt::Display for RuleMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// One `pub static` per rule and [`ALL`] in the order written. Each entry reads
/// `STATIC = ID "name" Level Precision [fix]: "summary";` inside its category's braces; `fix`
/// marks the rules whose findings may carry a fix. The document is `rules/<ID>.md`.
macro_rules! catalog {
    ($($category:ident {
        $($(#[$attr:meta])* $static:ident = $id:ident $name:literal $level:ident $precision:ident $($fix:ident)?: $summary:literal;)*
    })*) => {
        $($(
            $(#[$attr])*
            pub static $static: RuleMeta = RuleMeta {
                id: stringify!($id),
                name: $name,
                level: Level::$level,
                category: Category::$category,
                precision: Precision::$precision,
                has_fix: catalog!(@fix $($fix)?),
                summary: $summary,
                docs: include_str!(concat!("../rules/", stringify!($id), ".md")),
            };
        )*)*

        /// Every rule, in id order.
        pub static ALL: &[&RuleMeta] = &[$($(&$static),*),*];
    };
    (@fix) => { false };
    (@fix fix) => { true };
}

catalog! {
    Loading {
        PARSE_ERROR = RL001 "parse-error" Error VeryHigh:
            "The file is not valid YAML or JSON";
        DUPLICATE_KEY = RL002 "duplicate-key" Error VeryHigh:
            "A mapping repeats a key, which CloudFormation rejects";
        UNRESOLVED_REFERENCE = RL003 "unresolved-reference" Error VeryHigh:
            "A Ref, GetAtt, DependsOn or ${} names no parameter, resource or pseudo parameter";
        INPUT_LIMIT = RL004 "input-limit" Error VeryHigh:
            "A safety limit was hit: file size, nesting depth, alias expansion or evaluation";
        YAML_ALIAS = RL005 "yaml-alias" Warning VeryHigh:
            "The template uses YAML anchors, aliases or merge keys, which CloudFormation rejects unless packaged";
    }
    SecretsManager {
        NO_SECRETS_MANAGER_PATH = RL101 "no-secrets-manager-path" Error High fix:
            "A rotation function in a VPC has no usable Secrets Manager path from any subnet";
        FUNCTION_IN_PUBLIC_SUBNET = RL102 "function-in-public-subnet" Error High:
            "A function subnet sends 0.0.0.0/0 to an internet gateway and no usable endpoint exists";
        NAT_WITHOUT_INTERNET = RL103 "nat-without-internet" Error High:
            "The default route goes to a NAT gateway that cannot reach the internet";
        ENDPOINT_NOT_INTERFACE = RL104 "endpoint-not-interface" Error High fix:
            "A VPC endpoint of an interface-only service (not S3 or DynamoDB) omits VpcEndpointType (default Gateway) or sets Gateway";
        ENDPOINT_PRIVATE_DNS_OFF = RL105 "endpoint-private-dns-off" Error High fix:
            "A workload relies on an interface endpoint whose private DNS is off";
        VPC_DNS_DISABLED = RL106 "vpc-dns-disabled" Error High fix:
            "An endpoint has private DNS on while its VPC lacks EnableDnsHostnames or EnableDnsSupport";
        ENDPOINT_SG_BLOCKS_HTTPS = RL107 "endpoint-sg-blocks-https" Error High fix:
            "The endpoint's security groups admit no tcp/443 from the workload that relies on it";
        FUNCTION_EGRESS_BLOCKS_HTTPS = RL108 "function-egress-blocks-https" Error High:
            "The workload's explicit egress rules allow no tcp/443 towards an endpoint (or NAT) it relies on";
        PARTIAL_SUBNET_PATH = RL109 "partial-subnet-path" Warning High:
            "Only some of the function's subnets have a Secrets Manager path";
        NAT_EXPOSURE = RL110 "nat-exposure" Warning High:
            "Rotation traffic leaves the VPC through a NAT gateway";
        ENDPOINT_POLICY_DENIES_ROTATION = RL111 "endpoint-policy-denies-rotation" Error High:
            "The endpoint's policy does not allow the rotation actions";
        ENDPOINT_WITHOUT_SUBNETS = RL112 "endpoint-without-subnets" Error High:
            "An interface endpoint of a known service has no SubnetIds";
        DUPLICATE_PRIVATE_DNS_ENDPOINT = RL113 "duplicate-private-dns-endpoint" Error High:
            "Two endpoints with private DNS for the same service in one VPC";
        EXTRA_API_UNREACHABLE = RL114 "extra-api-unreachable" Error High:
            "An alternating-users rotation with an RDS- or Redshift-managed master secret has no path to that API";
        NACL_BLOCKS_HTTPS = RL115 "nacl-blocks-https" Error High:
            "A network ACL on the Secrets Manager path denies tcp/443 or the 1024-65535 return traffic";
    }
    Database {
        PRIVATE_TARGET_FUNCTION_OUTSIDE_VPC = RL201 "private-target-function-outside-vpc" Error High:
            "The target is VPC-only and the function is not in a VPC";
        FUNCTION_TARGET_VPC_MISMATCH = RL202 "function-target-vpc-mismatch" Error High:
            "Function and target are in different VPCs with no peering or transit route between them";
        TARGET_SG_BLOCKS_FUNCTION = RL203 "target-sg-blocks-function" Error High fix:
            "The target's security groups admit its port neither from the function's groups nor its subnets";
        FUNCTION_EGRESS_BLOCKS_TARGET = RL204 "function-egress-blocks-target" Error High:
            "The function's explicit egress rules exclude the target's port or address";
        PUBLIC_TARGET_NOT_REACHABLE = RL205 "public-target-not-reachable" Error High:
            "The function is outside a VPC and the public target admits its port only from security groups or private addresses";
        SHARED_SG_WITHOUT_SELF_RULE = RL206 "shared-sg-without-self-rule" Warning High:
            "Function and target share a custom security group without a self rule; another rule admits the function today";
        NACL_BLOCKS_TARGET = RL207 "nacl-blocks-target" Error High:
            "A network ACL on the path to the database denies its port or the 1024-65535 return traffic";
        PUBLIC_TARGET_ALLOWLIST = RL208 "public-target-allowlist" Warning High:
            "The function is outside a VPC and the public target admits its port only from specific public CIDRs";
    }
    Configuration {
        HOSTED_ROTATION_MISSING_TRANSFORM = RL301 "hosted-rotation-missing-transform" Error High:
            "HostedRotationLambda without the literal AWS::SecretsManager transform";
        ROTATION_FUNCTION_CONFLICT = RL302 "rotation-function-conflict" Error High:
            "A RotationSchedule sets both HostedRotationLambda and RotationLambdaARN";
        MISSING_INVOKE_PERMISSION = RL303 "missing-invoke-permission" Error High fix:
            "An in-template rotation function has no Lambda permission for secretsmanager.amazonaws.com";
        ROTATION_TIMEOUT_TOO_SHORT = RL304 "rotation-timeout-too-short" Warning High fix:
            "Rotation function Timeout omitted (3 s) or under 30 s";
        HOSTED_VPC_IDS_NOT_STRING = RL305 "hosted-vpc-ids-not-string" Error High:
            "HostedRotationLambda VpcSubnetIds or VpcSecurityGroupIds is a list, not a comma-joined string";
        MISSING_VPC_EXECUTION_PERMISSIONS = RL306 "missing-vpc-execution-permissions" Error High fix:
            "A function in a VPC whose role lacks the ENI permissions";
        MISSING_ENDPOINT_VARIABLE = RL307 "missing-endpoint-variable" Warning High:
            "A custom rotation function lacks SECRETS_MANAGER_ENDPOINT";
        DUPLICATE_ROTATION_SCHEDULE = RL308 "duplicate-rotation-schedule" Error High:
            "Two RotationSchedules for one secret";
    }
    Services {
        SERVICE_UNREACHABLE = RL401 "service-unreachable" Error High:
            "Strong evidence a function in a VPC calls an AWS service, and no subnet of it reaches the service";
        SERVICE_MAYBE_UNREACHABLE = RL402 "service-maybe-unreachable" Warning High:
            "Weak evidence a function in a VPC calls an AWS service, and no subnet of it reaches the service";
        GATEWAY_ENDPOINT_NOT_ROUTED = RL403 "gateway-endpoint-not-routed" Error High fix:
            "An S3 or DynamoDB gateway endpoint is not on the route table of the function's subnets, and nothing else reaches the service";
        SERVICE_PARTIAL_SUBNET_PATH = RL404 "service-partial-subnet-path" Warning High fix:
            "Only some of the function's subnets reach an AWS service it calls";
        SERVICE_NAT_EXPOSURE = RL405 "service-nat-exposure" Note High:
            "The function reaches an AWS service with VPC endpoints only through NAT";
    }
    Tasks {
        TASK_CANNOT_PULL_IMAGE = RL501 "task-cannot-pull-image" Error High:
            "A Fargate task cannot pull its container image (ECR endpoints and S3, or an internet path)";
        TASK_CANNOT_FETCH_SECRETS = RL502 "task-cannot-fetch-secrets" Error High:
            "A Fargate task cannot reach Secrets Manager or SSM for the secrets its containers reference";
        TASK_CANNOT_SHIP_LOGS = RL503 "task-cannot-ship-logs" Error High:
            "A Fargate task using the awslogs driver cannot reach CloudWatch Logs";
        TASK_EXECUTION_ROLE_MISSING_PERMISSIONS = RL504 "task-execution-role-missing-permissions" Error High:
            "A Fargate task's execution role lacks the ECR pull, secret read, kms:Decrypt or awslogs permissions";
    }
    Notes {
        UNVERIFIABLE_NETWORK = RL901 "unverifiable-network" Note Medium:
            "A subnet, security group, VPC or endpoint comes from a Parameter, import, SSM or a literal id";
        UNVERIFIABLE_EGRESS = RL902 "unverifiable-egress" Note Medium:
            "The default route goes to a transit gateway, VPN, peering, NAT instance, interface or firewall";
        FUNCTION_OUTSIDE_TEMPLATE = RL903 "function-outside-template" Note Medium:
            "The rotation function is a literal ARN, parameter or import that no linted template defines";
    }
    Suppressions {
        UNUSED_SUPPRESSION = RL904 "unused-suppression" Warning VeryHigh:
            "A suppression matches no finding";
    }
    // Ids are in order across the catalog: RL905 follows the suppression rule RL904.
    Notes {
        UNVERIFIABLE_SERVICE_NEEDS = RL905 "unverifiable-service-needs" Note Medium:
            "Which AWS APIs a function calls cannot all be told: role outside the template, NotAction, `*` or an unknown managed policy";
    }
}

/// A rule by the id findings carry (`RL101`).
pub fn by_id(id: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|m| m.id == id)
}

/// A rule by id (`RL101`, any case) or name (`no-secrets-manager-path`).
pub fn lookup(id_or_name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|m| m.id.eq_ignore_ascii_case(id_or_name) || m.name == id_or_name)
}

/// A rule as findings carry it: the catalog id for an id (any case) or a name, a
/// `GUARD:<rule>` id as written; `None` for a rule rotlint does not know.
pub fn canonical_id(id_or_name: &str) -> Option<String> {
    if id_or_name.starts_with("GUARD:") && id_or_name.len() > "GUARD:".len() {
        return Some(id_or_name.to_owned());
    }
    lookup(id_or_name).map(|m| m.id.to_owned())
}
