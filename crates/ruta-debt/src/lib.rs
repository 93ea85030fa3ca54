//! ruta-debt (crate docs written below).

pub mod aggregate;
pub mod events;
pub mod gcdf;
pub mod gdp;
pub mod grant;
pub mod ids;
pub mod rates;
pub mod read;
pub mod schedule;
pub mod terms;
