//! Reading text: bytes → spanned [`tree::Tree`], with load findings (RL001, RL002, RL004, RL005).

pub mod tree;
