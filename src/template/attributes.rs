//! Resource attributes whose value a template determines statically. Only what reachability
//! needs: a database's port (`GetAtt Db.Endpoint.Port`), which CDK writes into security-group
//! rules instead of the number.

/// The port a database listens on when its template gives none (the `Port` property of each resource type, e.g. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html);
/// aurora-postgresql follows the API (5432), see §10.
pub fn default_db_port(type_name: &str, engine: Option<&str>) -> Option<u16> {
    match type_name {
        "AWS::Redshift::Cluster" | "AWS::RedshiftServerless::Workgroup" => return Some(5439),
        "AWS::DocDB::DBCluster" | "AWS::DocDB::DBInstance" | "AWS::DocDBElastic::Cluster" => return Some(27017),
        // A proxy's `EngineFamily` (MYSQL, POSTGRESQL, SQLSERVER) stands for the engine.
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" | "AWS::RDS::DBProxy" => {}
        _ => return None,
    }
    let engine = engine?.to_ascii_lowercase();
    Some(match engine.as_str() {
        e if e.contains("postgres") => 5432,
        e if e.contains("mysql") || e.contains("mariadb") || e == "aurora" => 3306,
        e if e.starts_with("oracle") => 1521,
        e if e.starts_with("sqlserver") => 1433,
        e if e.starts_with("db2") => 50000,
        _ => return None,
    })
}

/// Is `attribute` the port attribute of a database resource type?
pub fn is_db_port_attribute(type_name: &str, attribute: &str) -> bool {
    default_db_port(type_name, Some("postgres")).is_some() && matches!(attribute, "Endpoint.Port" | "Port")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports() {
        assert_eq!(default_db_port("AWS::RDS::DBCluster", Some("aurora-postgresql")), Some(5432));
        assert_eq!(default_db_port("AWS::RDS::DBCluster", Some("aurora-mysql")), Some(3306));
        assert_eq!(default_db_port("AWS::RDS::DBInstance", Some("sqlserver-ex")), Some(1433));
        assert_eq!(default_db_port("AWS::Redshift::Cluster", None), Some(5439));
        assert_eq!(default_db_port("AWS::DocDB::DBCluster", None), Some(27017));
        assert_eq!(default_db_port("AWS::S3::Bucket", Some("postgres")), None);
        assert!(is_db_port_attribute("AWS::RDS::DBInstance", "Endpoint.Port"));
        assert!(!is_db_port_attribute("AWS::RDS::DBInstance", "Endpoint.Address"));
    }
}
