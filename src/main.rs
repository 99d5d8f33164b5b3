//! The `xieshang` command: serve (the default), migrate, demo, user.
use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use xieshang::app::config::{Config, DEFAULT_DATABASE_URL};
use xieshang::app::error::AppError;
use xieshang::app::forms::Check;
use xieshang::app::{self, i18n::Lang};
use xieshang::org::accounts::{self, UserInput};
use xieshang::org::import::ImportOptions;
use xieshang::org::member_pages::{ImportOutcome, run_import};

#[derive(Parser)]
#[command(name = "xieshang", version, about = "协商 Xieshang：政协履职平台 / the working platform of a political consultative committee")]
struct Cli {
    /// Database: sqlite://FILE?mode=rwc (default) or postgres://user@host/db.
    #[arg(long = "database", env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// Log JSON lines instead of text.
    #[arg(long, env = "XIESHANG_LOG_JSON", global = true)]
    log_json: bool,
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "XIESHANG_ADDR", default_value = "127.0.0.1:8080", global = true)]
    addr: SocketAddr,
    /// Load the demo committee (湘潭市岳塘区政协, code yuetang) if the database is empty.
    #[arg(long, global = true)]
    demo: bool,
    /// Minutes without a request after which a browser session ends.
    #[arg(long, env = "XIESHANG_IDLE_TIMEOUT_MINUTES", default_value_t = 30, global = true)]
    idle_timeout_minutes: u64,
    /// Always mark cookies Secure (otherwise only when X-Forwarded-Proto is https).
    #[arg(long, env = "XIESHANG_SECURE_COOKIES", global = true)]
    secure_cookies: bool,
    /// Trust X-Forwarded-For for client addresses (only behind your own reverse proxy).
    #[arg(long, env = "XIESHANG_TRUST_PROXY", global = true)]
    trust_proxy: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and API (the default).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Load the demo committee into an empty database and print its accounts.
    Demo,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Import records from files.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a member roster (xlsx, or csv in UTF-8 or GBK). Every row is checked first; any
    /// bad row → exit code 1, every bad row listed, nothing imported.
    Members {
        /// The committee's code, e.g. yuetang.
        #[arg(long, required_unless_present = "template")]
        committee: Option<String>,
        /// The roster file.
        #[arg(required_unless_present = "template")]
        file: Option<std::path::PathBuf>,
        /// Create sectors, groups and places the file names but the committee lacks.
        #[arg(long)]
        create_missing: bool,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the empty roster template to this .xlsx file instead.
        #[arg(long, value_name = "FILE.xlsx")]
        template: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from stdin, or generated and printed once.
    Create {
        #[arg(long)]
        committee: String,
        #[arg(long)]
        username: String,
        /// admin, security_admin, auditor, staff, leader, member or unit.
        #[arg(long)]
        role: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// For role unit: the handling unit's name.
        #[arg(long)]
        unit: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json { builder.json().init() } else { builder.init() }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config {
        addr: cli.serve.addr,
        database_url: cli.database_url,
        idle_timeout: Duration::from_secs(cli.serve.idle_timeout_minutes.max(1) * 60),
        secure_cookies: cli.serve.secure_cookies,
        trust_proxy: cli.serve.trust_proxy,
        ..Config::default()
    };
    let started = std::time::Instant::now();
    let state = app::prepare(config).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if cli.serve.demo {
                load_demo(&state).await?;
            }
            tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "ready");
            app::ops::metrics_handle();
            app::serve(state).await
        }
        Command::Migrate => {
            println!("数据库已是最新结构 / schema is up to date");
            Ok(())
        }
        Command::Demo => load_demo(&state).await,
        Command::User(UserCommand::Create { committee, username, role, name, unit }) => {
            create_user(&state, committee, username, role, name, unit).await
        }
        Command::Import(ImportCommand::Members { committee, file, create_missing, dry_run, template }) => match template {
            Some(path) => {
                std::fs::write(&path, xieshang::org::roster::template()?)?;
                println!("已写入模板 / template written: {}", path.display());
                Ok(())
            }
            None => {
                let opts = ImportOptions { create_missing, dry_run };
                import_members(&state, &committee.unwrap_or_default(), &file.unwrap_or_default(), opts).await
            }
        },
    }
}

async fn import_members(state: &app::AppState, committee: &str, file: &std::path::Path, opts: ImportOptions) -> anyhow::Result<()> {
    let c = xieshang::org::store::find_committee_by_code(&state.db, committee)
        .await?
        .ok_or_else(|| anyhow::anyhow!("找不到代码为 {committee} 的政协 / no committee with code {committee}"))?;
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let who = xieshang::app::audit::Who::anonymous(Some(c.id), "cli", "-");
    match run_import(state, c.id, &who, &name, &bytes, opts).await.map_err(explain)? {
        ImportOutcome::File(e) => anyhow::bail!("{}", Lang::Zh.t(e.key)),
        ImportOutcome::Rows(errors) => {
            for e in &errors {
                eprintln!("第{}行 {}：{}", e.line, e.column, Lang::Zh.t(e.key));
            }
            anyhow::bail!("{} 处错误，未导入任何数据 / {} errors, nothing imported", errors.len(), errors.len())
        }
        ImportOutcome::Done(r) => {
            let verb = if opts.dry_run { "检查通过（未写入）/ checked, nothing written" } else { "导入完成 / imported" };
            println!("{verb}: {} 行 rows, 新增 created {}, 更新 updated {}", r.rows, r.created, r.updated);
            for e in &r.new_entries {
                println!("  新建 / new: {e}");
            }
            Ok(())
        }
    }
}

async fn load_demo(state: &app::AppState) -> anyhow::Result<()> {
    let password = std::env::var("XIESHANG_DEMO_PASSWORD").ok();
    match xieshang::demo::load(&state.db, password).await.map_err(explain)? {
        Some(accounts) => {
            println!("已载入演示政协 湘潭市岳塘区政协（代码 yuetang）。演示账号 / demo accounts:");
            for a in accounts {
                println!("  {:<16} {:<14} {}", a.username, a.role, a.password);
            }
        }
        None => println!("数据库非空，未载入演示数据 / database not empty: demo not loaded"),
    }
    Ok(())
}

async fn create_user(
    state: &app::AppState,
    committee: String,
    username: String,
    role: String,
    name: Option<String>,
    unit: Option<String>,
) -> anyhow::Result<()> {
    let typed = read_password_from_stdin()?;
    let generated = typed.is_none();
    let password = typed.unwrap_or_else(|| xieshang::org::model::Password::generate().expose().to_string());
    let input = UserInput { display_name: name.unwrap_or_else(|| username.clone()), username, role, unit: unit.unwrap_or_default(), password: password.clone() };
    let mut check = Check::default();
    let valid = input.parse(&mut check).filter(|_| check.is_ok()).ok_or_else(|| explain(AppError::Invalid(check.0)))?;
    let user = accounts::create_user_cli(&state.db, &committee, valid).await.map_err(explain)?;
    println!("已创建账号 / created: {} ({})", user.username, user.role);
    if generated {
        println!("初始密码（仅显示这一次）/ initial password (shown once): {password}");
    }
    Ok(())
}

/// The first line of stdin when something is piped in; `None` on a terminal or empty input.
fn read_password_from_stdin() -> anyhow::Result<Option<String>> {
    if std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.lines().next().map(str::to_string).filter(|l| !l.is_empty()))
}

/// Field errors as a readable line for the terminal.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => {
            let lines: Vec<String> = fields.iter().map(|f| format!("{}: {}", f.field, Lang::Zh.t(f.key))).collect();
            anyhow::anyhow!(lines.join("; "))
        }
        other => other.into(),
    }
}
