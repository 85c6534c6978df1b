//! Wildcard matching shared by every layer: IAM actions (`secretsmanager:Get*`), endpoint
//! policies and cross-stack export names with unknown parts.

/// IAM action globbing: `*` any run, `?` one character, case-insensitive. Iterative.
pub fn glob(pattern: &str, text: &str) -> bool {
    matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

/// Case-sensitive globbing (export names are case-sensitive).
pub fn glob_case_sensitive(pattern: &str, text: &str) -> bool {
    matches(pattern, text)
}

fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case() {
        assert!(glob("*-RoleArn", "x-ROLEARN"));
        assert!(!glob_case_sensitive("*-RoleArn", "cfn-secret-provider-RoleARN"));
        assert!(glob_case_sensitive("*-RoleArn", "stack-RoleArn"));
    }
}
