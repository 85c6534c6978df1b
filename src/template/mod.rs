//! The CloudFormation model built from a tree, and intrinsic-function evaluation.
