//! The `thidua` command: serve (default), migrate, seed, openapi.

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
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the reference data (idempotent) and exit.
    Seed,
    /// Print the OpenAPI document (the content of openapi/openapi.json).
    Openapi,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", openapi::document_json());
        return ExitCode::SUCCESS;
    }
    init_tracing();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve { seed: false }) {
        Command::Serve { seed } => serve(settings, seed),
        Command::Migrate => startup::migrate(&settings),
        Command::Seed => startup::migrate(&settings).and_then(|_| run_seed(&settings)),
        Command::Openapi => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
}

fn run_seed(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = DbConn::establish_url(&settings.database_url)?;
    let report = seed::seed_reference(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(created = report.units_created, already_present = report.units_present, "reference data seeded");
    Ok(())
}

fn serve(settings: Settings, seed: bool) -> anyhow::Result<()> {
    startup::migrate(&settings)?;
    if seed {
        run_seed(&settings)?;
    }
    let state = startup::state(settings);
    actix_web::rt::System::new().block_on(async move {
        let (server, addr) = startup::serve(state)?;
        tracing::info!(%addr, docs = %format!("http://{addr}/docs/"), "thidua is serving");
        server.await?;
        tracing::info!("stopped");
        Ok(())
    })
}
