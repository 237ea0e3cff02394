//! The `thidua` command: serve (default), migrate, seed, openapi, error-codes, backup, restore.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use thidua::config::Settings;
use thidua::db::DbConn;
use thidua::{openapi, seed, startup};

#[derive(Parser)]
#[command(name = "thidua", version, about = "Emulation and commendation (Thi đua – Khen thưởng) API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API (the default).
    Serve {
        /// Also load the reference data (units and departments) before serving; idempotent.
        #[arg(long)]
        seed: bool,
        /// With --seed: also load the demo campaigns (Bắc Kạn, 2021).
        #[arg(long, requires = "seed")]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the reference data (idempotent) and exit.
    Seed {
        /// Also load the demo campaigns, registrations and achievements (Bắc Kạn, 2021).
        #[arg(long)]
        demo: bool,
    },
    /// Print the OpenAPI document (the content of openapi/openapi.json).
    Openapi,
    /// Print the table of error codes (the generated part of docs/api-conventions.md).
    ErrorCodes,
    /// Back the SQLite database and its evidence files up into a new directory, while serving.
    Backup { dir: std::path::PathBuf },
    /// Restore a backup made by `thidua backup` (stop the service first).
    Restore {
        dir: std::path::PathBuf,
        /// Overwrite the existing database.
        #[arg(long)]
        replace: bool,
    },
    /// Create the first admin (the emulation board's secretariat). The password comes from
    /// THIDUA_ADMIN_PASSWORD, or standard input when it is not a terminal, or a prompt.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        #[arg(long)]
        email: Option<String>,
    },
}

fn main() -> ExitCode {
    // First, before any thread allocates.
    thidua::memory::limit_arenas();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", openapi::document_json());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::ErrorCodes) = cli.command {
        print!("{}", thidua::error::ErrorCode::markdown_tables());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    // Kept until the end: dropping it sends the traces still buffered.
    let _telemetry = match thidua::telemetry::init(&settings.ops) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("thidua: {e:#}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve { seed: false, demo: false }) {
        Command::Serve { seed, demo } => serve(settings, seed, demo),
        Command::Migrate => startup::migrate(&settings),
        Command::Seed { demo } => startup::migrate(&settings).and_then(|()| run_seed(&settings, demo)),
        Command::Openapi | Command::ErrorCodes => unreachable!("handled above"),
        Command::Backup { dir } => thidua::backup::backup(&settings, &dir).map(|r| {
            println!(
                "backed up the database and {} evidence files ({} bytes) into {}",
                r.files,
                r.bytes,
                dir.display()
            );
        }),
        Command::Restore { dir, replace } => thidua::backup::restore(&settings, &dir, replace).and_then(|r| {
            println!("restored the database and {} evidence files ({} bytes)", r.files, r.bytes);
            startup::migrate(&settings)
        }),
        Command::CreateAdmin { username, full_name, email } => {
            startup::migrate(&settings).and_then(|()| create_admin(&settings, &username, &full_name, email.as_deref()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_seed(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    let mut conn = DbConn::establish_url(&settings.database_url)?;
    let report = seed::seed_reference(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(created = report.units_created, already_present = report.units_present, "reference data seeded");
    if demo {
        // The demo's dossier files go straight into a local evidence store; with S3 the award
        // year is left out.
        let local =
            (!settings.evidence_store.starts_with("s3://")).then(|| std::path::PathBuf::from(&settings.evidence_store));
        if let Some(dir) = &local {
            std::fs::create_dir_all(dir)?;
        }
        let report = thidua::demo::seed_demo(&mut conn, startup::hash_params(settings), local.as_deref())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(campaigns = report.campaigns_created, "demo data seeded");
    }
    Ok(())
}

fn serve(settings: Settings, seed: bool, demo: bool) -> anyhow::Result<()> {
    startup::migrate(&settings)?;
    if seed {
        run_seed(&settings, demo)?;
    }
    let key = startup::signing_key(&settings)?;
    let state = startup::state(settings, &key)?;
    actix_web::rt::System::new().block_on(async move {
        let (server, addr) = startup::serve(state)?;
        tracing::info!(%addr, docs = %format!("http://{addr}/docs/"), "thidua is serving");
        server.await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn create_admin(settings: &Settings, username: &str, full_name: &str, email: Option<&str>) -> anyhow::Result<()> {
    use thidua::auth::password::{check_password, hash_blocking};
    use thidua::auth::policy::Role;
    use thidua::domain::{users as rules, Checks};
    use thidua::models::accounts::{insert_user, NewUser};

    let mut checks = Checks::default();
    let username = rules::check_username(username, &mut checks);
    let full_name = rules::check_full_name(full_name, &mut checks);
    let email = rules::check_email(email, &mut checks);
    let password = read_admin_password()?;
    check_password("password", &password, &username, &mut checks);
    if let Some(e) = checks.0.first() {
        anyhow::bail!("{}: {}", e.field, e.message);
    }
    let password_hash = hash_blocking(startup::hash_params(settings), &password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = DbConn::establish_url(&settings.database_url)?;
    let new =
        NewUser { username, full_name, email, phone: None, unit_id: None, roles: vec![Role::Admin], password_hash };
    let user = insert_user(&mut conn, new).map_err(|e| anyhow::anyhow!("{}", e.detail))?;
    println!("created admin {} ({})", user.username, user.id);
    Ok(())
}

/// There is never a default password: it comes from the environment, a pipe, or the keyboard.
fn read_admin_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if let Ok(password) = std::env::var("THIDUA_ADMIN_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password for the new admin: ")?;
    let again = rpassword::prompt_password("Again: ")?;
    anyhow::ensure!(first == again, "the two passwords differ");
    Ok(first)
}
