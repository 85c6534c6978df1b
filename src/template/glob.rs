//! Wildcard matching shared by every layer: IAM actions (`secretsmanager:Get*`), endpoint
//! policies and cross-stack export names with unknown parts.
//!
//! `*` matches any run, `?` one byte (names here are ASCII). Iterative with backtracking to the
//! last `*`, and allocation-free: it runs for every import against every export of a run.

/// Case-insensitive (IAM actions are).
pub fn glob(pattern: &str, text: &str) -> bool {
    matches(pattern.as_bytes(), text.as_bytes(), |a, b| a.eq_ignore_ascii_case(&b))
}

/// Case-sensitive (export names are).
pub fn glob_case_sensitive(pattern: &str, text: &str) -> bool {
    matches(pattern.as_bytes(), text.as_bytes(), |a, b| a == b)
}

fn matches(p: &[u8], t: &[u8], same: impl Fn(u8, u8) -> bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || same(c, t[ti]) => {
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
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
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

    #[test]
    fn wildcards() {
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("?et*", "GetSecretValue"));
        assert!(glob("**", ""));
        assert!(!glob("", "x"));
    }
}
