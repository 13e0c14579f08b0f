//! `hub-kiosk card …`: keygen, issue and verify, as the office and an installer use them.
//!
//! Exit codes follow the rest of the command line: 0 done (a valid card), 1 a card refused or a
//! failure while running, 2 wrong input.

use std::io::BufRead;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{ArgGroup, Args, Subcommand};

use super::issue::{self, Order};
use super::keys;
use crate::config::Config;
use crate::domain::card::{Card, Rejection, Revocations, Verifier};
use crate::service::Failure;

#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Make a card signing key: a private key for the office and a public key for kiosks.
    Keygen(KeygenArgs),
    /// Sign a member's card: print its text and draw it for printing.
    Issue(IssueArgs),
    /// Check a card's text: print the member number if it is valid, else say why not.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Directory for the key files (created if missing), e.g. a folder only you can read.
    #[arg(long)]
    pub dir: PathBuf,
    /// Key id printed in every card it signs: 1–2 characters A–Z, 0–9. Use K2, K3… when rotating.
    #[arg(long, default_value = "K1")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The private key file from `card keygen` (card-K1.key).
    #[arg(long)]
    pub key: PathBuf,
    /// The key id, for a PEM key file that does not name it.
    #[arg(long)]
    pub id: Option<String>,
    /// Member number: 1–24 capital letters, digits or `-` (never a name).
    #[arg(long)]
    pub member: String,
    /// Which of the member's cards this is; give a replacement card the next number so the lost
    /// one can be revoked alone (`M-1001#1`).
    #[arg(long, default_value_t = 1)]
    pub serial: u16,
    /// Last day the card is valid (YYYY-MM-DD); default: two years from today.
    #[arg(long)]
    pub expires: Option<NaiveDate>,
    /// Write the printable card (85.6 × 54 mm) as SVG.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Write the printable card as a 300 dpi PNG.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// The hub's name on the card; default: `site.name` of --config.
    #[arg(long)]
    pub hub: Option<String>,
    /// A kiosk configuration to take the hub's name from.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// A font for the PNG (TrueType or OpenType), besides the machine's own; repeatable.
    #[arg(long)]
    pub font: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("keys").args(["config", "public_key"])))]
pub struct VerifyArgs {
    /// A kiosk configuration: its `[cards]` keys and revocations are used. Without it or
    /// --public-key: /etc/hub-kiosk/kiosk.toml, or the demo's when there is none.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// A public key (.pub file from `card keygen`, or its base64 text).
    #[arg(long)]
    pub public_key: Option<String>,
    /// The key id of --public-key; default: from its file name (card-K1.pub → K1).
    #[arg(long, requires = "public_key")]
    pub key_id: Option<String>,
    /// Check as on this day (YYYY-MM-DD); default: today.
    #[arg(long)]
    pub on: Option<NaiveDate>,
    /// The card's text (quote it: it may hold spaces and `$`), or `-` to read one line from stdin.
    #[arg(allow_hyphen_values = true)]
    pub text: String,
}

pub fn run(command: CardCommand) -> Result<(), Failure> {
    match command {
        CardCommand::Keygen(a) => keygen(a),
        CardCommand::Issue(a) => issue(a),
        CardCommand::Verify(a) => verify(a),
    }
}

fn keygen(a: KeygenArgs) -> Result<(), Failure> {
    let (files, public) = keys::generate(&a.dir, &a.id).map_err(Failure::usage)?;
    println!(
        "wrote {} (private: keep it in the office; anyone with it can make cards)\n\
         wrote {} (public: for the kiosks)\n\n\
         Add the public key to [cards] in each kiosk's configuration:\n\
         keys = [ {{ id = \"{}\", public_key = \"{}\" }} ]",
        files.private.display(),
        files.public.display(),
        a.id,
        keys::public_key_base64(&public)
    );
    Ok(())
}

fn issue(a: IssueArgs) -> Result<(), Failure> {
    let key = keys::read_private(&a.key, a.id.as_deref()).map_err(Failure::usage)?;
    if let Some(warning) = keys::exposed(&a.key) {
        eprintln!("{warning}");
    }
    let today = chrono::Local::now().date_naive();
    let order = Order {
        member: a.member.clone(),
        serial: a.serial,
        expires: a.expires,
    };
    let card = issue::card(&key, &order, today).map_err(Failure::usage)?;
    let hub = match (&a.hub, &a.config) {
        (Some(h), _) => h.trim().to_owned(),
        (None, Some(c)) => Config::load(c).map_err(Failure::usage)?.site.name,
        (None, None) => String::new(),
    };
    if hub.is_empty() && (a.svg.is_some() || a.png.is_some()) {
        return Err(Failure::usage(
            "say whose card it is: --hub \"The Life Rooms Walton\", or --config kiosk.toml",
        ));
    }
    let issued = issue::sign(&key, card, &hub).map_err(Failure::runtime)?;
    // Draw everything before writing anything, so a failure leaves no half-made files.
    let png = match &a.png {
        Some(_) => Some(issued.png(&a.font).map_err(Failure::runtime)?),
        None => None,
    };
    let outputs = [
        (a.svg.as_ref(), Some(issued.svg.as_bytes())),
        (a.png.as_ref(), png.as_deref()),
    ];
    for (path, bytes) in outputs {
        if let (Some(path), Some(bytes)) = (path, bytes) {
            std::fs::write(path, bytes)
                .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("wrote {}", path.display());
        }
    }
    let c = &issued.card;
    eprintln!(
        "card {}#{} signed with key {}, valid until {}",
        c.member, c.serial, c.key_id, c.expires
    );
    println!("{}", issued.text);
    Ok(())
}

fn verify(a: VerifyArgs) -> Result<(), Failure> {
    let text = if a.text == "-" {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::runtime(format!("cannot read the card from stdin: {e}")))?;
        line
    } else {
        a.text.clone()
    };
    let (verifier, today) = match (&a.config, &a.public_key) {
        (path, None) => {
            let config = crate::admin::kiosk_config(path.as_deref(), false)?;
            let verifier = crate::hub::verifier(&config).map_err(Failure::usage)?;
            if !verifier.has_keys() {
                return Err(Failure::usage(
                    "the configuration has no card keys: add the .pub of `hub-kiosk card keygen` to [cards] keys",
                ));
            }
            let today = chrono::Utc::now()
                .with_timezone(&config.timezone)
                .date_naive();
            (verifier, today)
        }
        (_, Some(public)) => {
            let key = keys::read_public(public).map_err(Failure::usage)?;
            let id = a
                .key_id
                .clone()
                .or_else(|| keys::id_from_file_name(std::path::Path::new(public)))
                .ok_or_else(|| {
                    Failure::usage("say which key id this public key has, e.g. --key-id K1")
                })?;
            let keys = std::collections::BTreeMap::from([(id, key)]);
            let today = chrono::Local::now().date_naive();
            (Verifier::new(keys, Revocations::default()), today)
        }
    };
    let today = a.on.unwrap_or(today);
    match verifier.verify(text.as_bytes(), today) {
        Ok(card) => {
            eprintln!(
                "valid: card {}#{}, key {}, valid until {}",
                card.member, card.serial, card.key_id, card.expires
            );
            println!("{}", card.member);
            Ok(())
        }
        Err(reason) => Err(Failure::runtime(refusal(reason, text.as_bytes(), today))),
    }
}

/// Why a card was refused, with what the office can tell from it.
fn refusal(reason: Rejection, text: &[u8], today: NaiveDate) -> String {
    let card = Card::parse(text).ok().map(|(c, _, _)| c);
    let detail = match (reason, card) {
        (Rejection::Malformed, _) => "the text is not a hub-kiosk membership card".to_owned(),
        (Rejection::UnknownKey, Some(c)) => format!(
            "it says it was signed with key {}, which is not among the keys given",
            c.key_id
        ),
        (Rejection::BadSignature, _) => {
            "its signature does not match: it was altered, forged, or signed by another key with the same id".to_owned()
        }
        (Rejection::Expired, Some(c)) => format!(
            "card {}#{} was valid until {} (checked on {today}): issue a new one",
            c.member, c.serial, c.expires
        ),
        (Rejection::Revoked, Some(c)) => format!(
            "card {}#{} is on the revocation list",
            c.member, c.serial
        ),
        (_, None) => String::new(),
    };
    let reason = reason.as_str().replace('_', " ");
    if detail.is_empty() {
        format!("card refused: {reason}")
    } else {
        format!("card refused: {reason}: {detail}")
    }
}
