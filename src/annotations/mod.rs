//! Annotations: the model editors write ([`model`]) and how its passages and terms find
//! their place in a text ([`anchor`]).

pub mod anchor;
pub mod model;
