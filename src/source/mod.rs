//! Reading text: bytes → spanned [`tree::Tree`], with load findings (RL001, RL002, RL004, RL005).

mod builder;
mod json;
pub mod line_index;
pub mod load;
pub mod tree;
mod yaml;

pub use line_index::LineIndex;
pub use load::{Format, Limits, Loaded, load_bytes, parse_str};
