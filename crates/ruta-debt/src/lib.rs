//! ruta-debt (crate docs written below).

pub mod events;
pub mod gcdf;
pub mod grant;
pub mod rates;
pub mod read;
pub mod schedule;
pub mod terms;
