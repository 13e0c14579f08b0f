//! The staff side of the kiosk: advisors and site managers.

pub mod passcode;
