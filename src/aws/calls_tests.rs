use super::*;
use crate::template::{Template, parse};

fn needs_of(template: &Template, id: &str) -> Needs {
    let ev = Evaluator::new(template);
    let function = template.resource(id).expect("the function");
    function_needs(&ev, function)
}

/// `prefix:Strong/Weak[:resource]` per service, in order.
fn summary(needs: &Needs) -> Vec<String> {
    needs
        .services
        .iter()
        .map(|n| {
            let level = if n.evidence == Evidence::Strong { "strong" } else { "weak" };
            match n.reasons.first().and_then(|r| r.resource.as_deref()) {
                Some(r) if n.evidence == Evidence::Strong => format!("{}:{level}:{r}", n.service.prefix),
                _ => format!("{}:{level}", n.service.prefix),
            }
        })
        .collect()
}

fn reasons(needs: &Needs) -> Vec<UnknownReason> {
    needs.unknown.iter().map(|u| u.reason.clone()).collect()
}

const ROLE_TEMPLATE: &str = r#"
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket}
  Table: {Type: AWS::DynamoDB::Table}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonDynamoDBReadOnlyAccess
        - !Ref Custom
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams]
                Resource: '*'
              - Effect: Allow
                Action: [ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface]
                Resource: '*'
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !GetAtt Queue.Arn
              - Effect: Deny
                Action: kms:*
                Resource: '*'
  Custom:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ['s3:GetObject'], Resource: '*'}
  Attached:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: attached
      Roles: [!Ref Role]
      PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"},{"Effect":"Allow","Action":"xray:PutTraceSegments","Resource":"*"}]}'
"#;

#[test]
fn strong_and_weak_evidence_from_the_role() {
    let t = parse(ROLE_TEMPLATE);
    let needs = needs_of(&t, "Fn");
    assert_eq!(summary(&needs), ["dynamodb:weak", "s3:weak", "secretsmanager:weak", "sqs:strong:Queue"]);
    assert!(needs.unknown.is_empty(), "{:?}", needs.unknown);
    assert!(needs.unlisted.is_empty(), "{:?}", needs.unlisted);
    let sqs = needs.service("sqs").expect("sqs");
    assert_eq!(sqs.reasons[0].actions, ["sqs:SendMessage"]);
    assert_eq!(sqs.reasons[0].basis, Basis::Statement);
    assert_eq!(sqs.endpoints.iter().map(|e| e.endpoint).collect::<Vec<_>>(), ["sqs"]);
    let dynamodb = needs.service("dynamodb").expect("dynamodb");
    assert_eq!(dynamodb.reasons[0].basis, Basis::ManagedPolicy("AmazonDynamoDBReadOnlyAccess"));
    assert_eq!(needs.strongest(), Some(Evidence::Strong));
    // The span of the evidence is the statement.
    let text = &ROLE_TEMPLATE[sqs.reasons[0].span.start as usize..sqs.reasons[0].span.end as usize];
    assert!(text.contains("sqs:SendMessage"), "{text}");
    let ev = Evaluator::new(&t);
    assert!(has_vpc_subnets(&ev, t.resource("Fn").expect("Fn")));
}

#[test]
fn unknowns_are_reported_not_guessed() {
    let t = parse(
        r#"
Parameters:
  RoleArn: {Type: String}
Resources:
  Outside:
    Type: AWS::Lambda::Function
    Properties: {Role: !Ref RoleArn}
  Literal:
    Type: AWS::Lambda::Function
    Properties: {Role: 'arn:aws:iam::123456789012:role/x'}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt Role.Arn}
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSIoTDataAccess
        - arn:aws:iam::123456789012:policy/mine
        - arn:aws:iam::aws:policy/AdministratorAccess
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, NotAction: 'iam:*', Resource: '*'}
              - {Effect: Allow, Action: '*', Resource: '*'}
              - {Effect: Allow, Action: 'iot:Publish', Resource: '*'}
              - {Effect: Allow, Action: ['rds-db:connect', 'iam:PassRole'], Resource: '*'}
"#,
    );
    assert_eq!(reasons(&needs_of(&t, "Outside")), [UnknownReason::RoleOutside]);
    assert_eq!(reasons(&needs_of(&t, "Literal")), [UnknownReason::RoleOutside]);
    let needs = needs_of(&t, "Fn");
    assert!(needs.services.is_empty(), "{:?}", summary(&needs));
    assert_eq!(
        reasons(&needs),
        [
            UnknownReason::UnknownManagedPolicy("AWSIoTDataAccess".to_owned()),
            UnknownReason::PolicyOutside,
            UnknownReason::EveryService("AdministratorAccess"),
            UnknownReason::NotAction,
            UnknownReason::AnyAction,
        ]
    );
    assert_eq!(needs.unlisted.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["iot"]);
}

const SAM_TEMPLATE: &str = r#"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}
Resources:
  Table: {Type: AWS::Serverless::SimpleTable}
  Queue: {Type: AWS::SQS::Queue}
  Key: {Type: AWS::KMS::Key}
  Db: {Type: AWS::RDS::DBInstance}
  WithPolicies:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
        - SQSSendMessagePolicy: {QueueName: !GetAtt Queue.QueueName}
        - CloudWatchPutMetricPolicy: {}
        - VPCAccessPolicy: {}
        - AWSLambdaBasicExecutionRole
        - AmazonS3ReadOnlyAccess
        - KMSDecryptPolicy: {KeyId: !Ref KeyParam}
        - NoSuchPolicyTemplate: {}
        - Statement:
            - {Effect: Allow, Action: 'states:StartSyncExecution', Resource: '*'}
  WithRole:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt Role.Arn
      Policies: [AmazonS3FullAccess]
      Environment:
        Variables:
          TABLE: !Ref Table
          QUEUE_URL: !Ref Queue
          KEY: !Sub '${Key.Arn}'
          DB_HOST: !GetAtt Db.Endpoint.Address
          PLAIN: x
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
Parameters:
  KeyParam: {Type: String}
"#;

#[test]
fn sam_policy_templates_and_managed_policy_names() {
    let t = parse(SAM_TEMPLATE);
    let needs = needs_of(&t, "WithPolicies");
    assert_eq!(
        summary(&needs),
        ["cloudwatch:weak", "dynamodb:strong:Table", "kms:weak", "s3:weak", "sqs:strong:Queue", "states:weak"]
    );
    assert_eq!(reasons(&needs), [UnknownReason::UnknownSamTemplate("NoSuchPolicyTemplate".to_owned())]);
    let dynamodb = needs.service("dynamodb").expect("dynamodb");
    assert_eq!(dynamodb.reasons.len(), 1, "one reason per policy template and resource");
    assert_eq!(dynamodb.reasons[0].basis, Basis::SamTemplate("DynamoDBCrudPolicy".to_owned()));
    assert_eq!(dynamodb.reasons[0].actions.len(), 10);
    let endpoints = |p: &str| {
        needs.service(p).map(|n| n.endpoints.iter().map(|e| e.endpoint).collect::<Vec<_>>()).unwrap_or_default()
    };
    assert_eq!(endpoints("cloudwatch"), ["monitoring"]);
    assert_eq!(endpoints("states"), ["sync-states"]);
    assert_eq!(endpoints("dynamodb"), ["dynamodb"]);
    let ev = Evaluator::new(&t);
    assert!(has_vpc_subnets(&ev, t.resource("WithPolicies").expect("fn")), "Globals VpcConfig");
}

#[test]
fn sam_policies_are_ignored_with_a_role_and_environment_variables_are_evidence() {
    let t = parse(SAM_TEMPLATE);
    let needs = needs_of(&t, "WithRole");
    // No s3 (AmazonS3FullAccess is ignored with Role), no RDS API for the database host.
    assert_eq!(summary(&needs), ["dynamodb:strong:Table", "kms:strong:Key", "sqs:strong:Queue"]);
    let table = needs.service("dynamodb").expect("dynamodb");
    assert_eq!(table.reasons[0].basis, Basis::Environment("TABLE".to_owned()));
    assert!(needs.unknown.is_empty(), "{:?}", needs.unknown);
}

const EVENTS_TEMPLATE: &str = r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Stream: {Type: AWS::Kinesis::Stream}
  Cluster: {Type: AWS::MSK::Cluster}
  Polled:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt Role.Arn
      Events:
        Q: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
  Mapped:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt Role.Arn}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {FunctionName: !Ref Mapped, EventSourceArn: !GetAtt Stream.Arn}
  Polls:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt Role.Arn}
  Kafka:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt KafkaRole.Arn
      Events:
        Msk:
          Type: MSK
          Properties:
            Stream: !GetAtt Cluster.Arn
            Topics: [t]
            SourceAccessConfigurations: [{Type: SASL_SCRAM_512_AUTH, URI: arn:aws:secretsmanager:us-east-1:1:secret:x}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole]
      Policies:
        - PolicyName: poll
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]
                Resource: !GetAtt Queue.Arn
              - Effect: Allow
                Action: [kinesis:GetRecords, kinesis:GetShardIterator, kinesis:DescribeStream, kinesis:ListShards]
                Resource: !GetAtt Stream.Arn
  KafkaRole:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]
      Policies:
        - PolicyName: kafka
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: [kafka:DescribeCluster, kafka:GetBootstrapBrokers], Resource: !GetAtt Cluster.Arn}
"#;

#[test]
fn event_source_polling_is_dropped_and_kafka_is_kept() {
    let t = parse(EVENTS_TEMPLATE);
    // SQS polled by Lambda for `Polled`; the Kinesis statement is a need (no Kinesis source).
    assert_eq!(summary(&needs_of(&t, "Polled")), ["kinesis:strong:Stream"]);
    // Kinesis polled through an event source mapping; SQS is a need there.
    assert_eq!(summary(&needs_of(&t, "Mapped")), ["sqs:strong:Queue"]);
    // Without event sources, both are the code's own calls.
    assert_eq!(summary(&needs_of(&t, "Polls")), ["kinesis:strong:Stream", "sqs:strong:Queue"]);
    let kafka = needs_of(&t, "Kafka");
    assert_eq!(
        summary(&kafka),
        ["lambda:strong:Cluster", "secretsmanager:strong:Cluster", "sts:strong:Cluster"],
        "the MSK API calls are the pollers'; Lambda, STS and Secrets Manager are needed"
    );
    assert!(kafka.services.iter().all(Need::only_event_source));
}

#[test]
fn vpc_subnets_and_the_environment_key() {
    let t = parse(
        r#"
Parameters:
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}
Resources:
  Key: {Type: AWS::KMS::Key}
  Other: {Type: AWS::KMS::Key}
  Empty:
    Type: AWS::Lambda::Function
    Properties: {VpcConfig: {SubnetIds: []}, Role: !GetAtt Role.Arn}
  Param:
    Type: AWS::Lambda::Function
    Properties: {VpcConfig: {SubnetIds: !Ref Subnets}, Role: !GetAtt Role.Arn, KmsKeyArn: !GetAtt Key.Arn}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: keys
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: kms:Decrypt, Resource: [!GetAtt Key.Arn]}
              - {Effect: Allow, Action: kms:Encrypt, Resource: [!GetAtt Key.Arn]}
"#,
    );
    let ev = Evaluator::new(&t);
    assert!(!has_vpc_subnets(&ev, t.resource("Empty").expect("Empty")));
    assert!(has_vpc_subnets(&ev, t.resource("Param").expect("Param")));
    // The environment key's Decrypt is Lambda's; Encrypt is the code's.
    let needs = needs_of(&t, "Param");
    assert_eq!(summary(&needs), ["kms:strong:Key"]);
    let kms = needs.service("kms").expect("kms");
    assert_eq!(kms.reasons.iter().flat_map(|r| r.actions.iter()).collect::<Vec<_>>(), ["kms:Encrypt"]);
    let without = needs_of(&t, "Empty");
    assert_eq!(without.service("kms").expect("kms").reasons.len(), 2);
}

#[test]
fn literal_arns_naming_template_resources_are_strong() {
    let t = parse(
        r#"
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: my-bucket}}
  Param: {Type: AWS::SSM::Parameter, Properties: {Name: /app/db/host, Type: String, Value: x}}
  Secret: {Type: AWS::SecretsManager::Secret, Properties: {Name: app-secret}}
  Queue: {Type: AWS::SQS::Queue, Properties: {QueueName: jobs}}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt Role.Arn}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: literal
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::my-bucket/*'}
              - {Effect: Allow, Action: ssm:GetParameter, Resource: !Sub 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/db/host'}
              - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: 'arn:aws:secretsmanager:*:*:secret:app-secret-*'}
              - {Effect: Allow, Action: sqs:SendMessage, Resource: 'arn:aws:sqs:*:*:jobs-archive'}
"#,
    );
    let needs = needs_of(&t, "Fn");
    assert_eq!(summary(&needs), ["s3:strong:Bucket", "secretsmanager:strong:Secret", "sqs:weak", "ssm:strong:Param"]);
}

#[test]
fn connectors_and_json_documents() {
    let t = parse(
        r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Topic: {Type: AWS::SNS::Topic}
  Bucket: {Type: AWS::S3::Bucket}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Connectors:
        ToBucket:
          Properties: {Destination: {Id: Bucket}, Permissions: [Read]}
  Conn:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Fn}
      Destination: [{Id: Topic}]
      Permissions: [Write]
"#,
    );
    let needs = needs_of(&t, "Fn");
    assert_eq!(summary(&needs), ["s3:strong:Bucket", "sns:strong:Topic"]);
    assert_eq!(needs.service("s3").expect("s3").reasons[0].basis, Basis::Connector);
}

#[test]
fn json_policy_documents() {
    let t = parse(
        r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Role: !GetAtt Role.Arn}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: json
          PolicyDocument: '{"Statement":{"Effect":"Allow","Action":["sagemaker:InvokeEndpoint","ecr:Describe*"],"Resource":"*"}}'
        - PolicyName: broken
          PolicyDocument: 'not json'
"#,
    );
    let needs = needs_of(&t, "Fn");
    assert_eq!(summary(&needs), ["ecr:weak", "sagemaker:weak"]);
    let sagemaker = needs.service("sagemaker").expect("sagemaker");
    assert_eq!(sagemaker.endpoints.iter().map(|e| e.endpoint).collect::<Vec<_>>(), ["sagemaker.runtime"]);
    assert_eq!(reasons(&needs), [UnknownReason::SymbolicPolicy]);
}

/// Every VPC Lambda function of the shared corpus (../shared/corpus, when present), one
/// template at a time: the inference never panics, every need has a reason, strong evidence
/// names a resource of the template. `cargo test --lib corpus_survey -- --nocapture` prints the
/// numbers; with `ROTLINT_SURVEY_DETAIL` set, every function's needs too.
#[test]
fn corpus_survey() {
    use std::collections::BTreeMap;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        eprintln!("../shared/corpus is absent: corpus survey skipped");
        return;
    }
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e != "tsv") {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut functions, mut templates, mut strong, mut weak_only, mut none, mut with_unknown) = (0, 0, 0, 0, 0, 0);
    let mut by_service: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    let mut unknown_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut unlisted: BTreeMap<String, usize> = BTreeMap::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let loaded = crate::source::load::parse_str(&text);
        let template = Template::from_tree(crate::diagnostic::FileId(0), loaded.tree);
        let ev = Evaluator::new(&template);
        let mut in_template = 0;
        for function in template.resources.iter().filter(|r| FUNCTION_TYPES.contains(&r.type_name.as_str())) {
            if !has_vpc_subnets(&ev, function) {
                continue;
            }
            in_template += 1;
            let needs = function_needs(&ev, function);
            if std::env::var_os("ROTLINT_SURVEY_DETAIL").is_some() {
                let unknown: Vec<String> = needs.unknown.iter().map(|u| format!("{:?}", u.reason)).collect();
                let unlisted: Vec<&str> = needs.unlisted.iter().map(|(p, _)| p.as_str()).collect();
                eprintln!(
                    "{}\t{}\t{:?}\t{unknown:?}\t{unlisted:?}",
                    path.display(),
                    function.logical_id,
                    summary(&needs)
                );
            }
            for need in &needs.services {
                assert!(!need.reasons.is_empty() && !need.endpoints.is_empty(), "{}", path.display());
                for r in need.reasons.iter().filter(|r| r.evidence == Evidence::Strong) {
                    let id = r.resource.as_deref().expect("strong evidence names a resource");
                    assert!(template.resource(id).is_some(), "{}: {id}", path.display());
                }
                *by_service.entry((need.service.prefix, need.evidence == Evidence::Strong)).or_default() += 1;
            }
            match needs.strongest() {
                Some(Evidence::Strong) => strong += 1,
                Some(Evidence::Weak) => weak_only += 1,
                None => none += 1,
            }
            if !needs.unknown.is_empty() {
                with_unknown += 1;
            }
            for u in &needs.unknown {
                let kind = format!("{:?}", u.reason);
                let kind = kind.split('(').next().unwrap_or_default().to_owned();
                *unknown_kinds.entry(kind).or_default() += 1;
            }
            for (p, _) in &needs.unlisted {
                *unlisted.entry(p.clone()).or_default() += 1;
            }
        }
        functions += in_template;
        templates += usize::from(in_template > 0);
    }
    eprintln!("corpus survey: {} files, {templates} templates with {functions} VPC Lambda functions", files.len());
    eprintln!(
        "  strong evidence for some service: {strong}; weak only: {weak_only}; no service: {none}; \
         with unknowns: {with_unknown}"
    );
    let mut ranked: Vec<(&str, usize, usize)> = Vec::new();
    for (&(prefix, is_strong), &count) in &by_service {
        match ranked.iter_mut().find(|(p, _, _)| *p == prefix) {
            Some(entry) if is_strong => entry.1 += count,
            Some(entry) => entry.2 += count,
            None if is_strong => ranked.push((prefix, count, 0)),
            None => ranked.push((prefix, 0, count)),
        }
    }
    ranked.sort_by_key(|&(p, s, w)| (std::cmp::Reverse(s + w), p));
    for (prefix, s, w) in &ranked {
        eprintln!("  {prefix}: {} functions ({s} strong, {w} weak)", s + w);
    }
    eprintln!("  unknown reasons: {unknown_kinds:?}");
    eprintln!("  unlisted prefixes: {unlisted:?}");
    assert!(functions > 0, "the corpus has VPC Lambda functions");
}

#[test]
fn a_table_arn_grants_no_streams_call_but_a_stream_arn_does() {
    let endpoints = |resource: &str| {
        let t = parse(&format!(
            r#"
Resources:
  Table: {{Type: AWS::DynamoDB::Table}}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {{SubnetIds: [subnet-1]}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: 'dynamodb:*', Resource: {resource}}}
"#
        ));
        let needs = needs_of(&t, "Fn");
        let dynamodb = needs.service("dynamodb").expect("dynamodb");
        dynamodb.endpoints.iter().map(|e| e.endpoint).collect::<Vec<_>>()
    };
    assert_eq!(endpoints("!GetAtt Table.Arn"), ["dynamodb"]);
    assert_eq!(endpoints("!Sub '${Table.Arn}'"), ["dynamodb"]);
    assert_eq!(endpoints("arn:aws:dynamodb:us-east-1:111122223333:table/Books"), ["dynamodb"]);
    assert_eq!(endpoints("!GetAtt Table.StreamArn"), ["dynamodb", "dynamodb-streams"]);
    assert_eq!(endpoints("!Sub '${Table.Arn}/stream/*'"), ["dynamodb", "dynamodb-streams"]);
    assert_eq!(endpoints("'*'"), ["dynamodb", "dynamodb-streams"]);
}
