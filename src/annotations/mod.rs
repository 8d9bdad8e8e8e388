//! Annotations: the model editors write ([`model`]) and how its passages and terms find
//! their place in a text ([`anchor`]), compared in one form ([`fold`]) and cut into words
//! ([`words`]).

pub mod anchor;
pub mod fold;
pub mod model;
pub mod words;
