//! Load from outside: runs `wrk` (its own process, one thread) against a URL and reads its
//! figures, so a benchmark measures the server rather than a client sharing its runtime.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `wrk` run.
#[derive(Debug, Clone)]
pub struct Load<'a> {
    /// The URL (scheme, host, port and path) every request goes to, unless `script` says
    /// otherwise.
    pub url: &'a str,
    pub connections: u32,
    pub seconds: u32,
    /// A Lua script shaping the requests (method, body, headers, per-request paths).
    pub script: Option<&'a Path>,
    /// Extra request headers, `Name: value`.
    pub headers: Vec<String>,
}

/// What a run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub requests_per_sec: f64,
    pub requests: u64,
    /// Answers outside 2xx/3xx: a benchmark that counts them measured the wrong thing.
    pub non_2xx: u64,
    /// Connect, read, write errors and timeouts.
    pub socket_errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Runs `wrk` and reads its report.
///
/// # Errors
/// `wrk` cannot be started, fails, or prints no figures.
pub fn run(load: &Load<'_>) -> anyhow::Result<Figures> {
    let mut command = Command::new("wrk");
    command.args([
        "-t1",
        &format!("-c{}", load.connections),
        &format!("-d{}s", load.seconds),
        "--latency",
        "--timeout",
        "10s",
    ]);
    for header in &load.headers {
        command.args(["-H", header]);
    }
    if let Some(script) = load.script {
        command.arg("-s").arg(script);
    }
    command.arg(load.url);
    let output = command.output().map_err(|e| {
        anyhow::anyhow!("running wrk (is it installed? bench/run installs it): {e}")
    })?;
    let report = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "wrk failed: {}{report}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse(&report).ok_or_else(|| anyhow::anyhow!("no figures in wrk's report:\n{report}"))
}

/// The figures of a `wrk --latency` report.
#[must_use]
pub fn parse(report: &str) -> Option<Figures> {
    let mut figures = Figures {
        requests_per_sec: f64::NAN,
        requests: 0,
        non_2xx: 0,
        socket_errors: 0,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
    };
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            figures.requests_per_sec = rate.trim().parse().ok()?;
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            figures.non_2xx = count.trim().parse().ok()?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            figures.socket_errors = errors
                .split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum();
        } else if line.contains("requests in") {
            figures.requests = line.split_whitespace().next()?.parse().ok()?;
        } else if let Some(value) = line.strip_prefix("50%") {
            figures.p50_ms = millis(value.trim())?;
        } else if let Some(value) = line.strip_prefix("99%") {
            figures.p99_ms = millis(value.trim())?;
        }
    }
    figures.requests_per_sec.is_finite().then_some(figures)
}

/// `wrk`'s duration text (`812.00us`, `1.20ms`, `2.01s`, `1.00m`) in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(number * factor)
}

/// Lua scripts for `wrk`, written into a directory that lives as long as this value.
pub struct Scripts {
    dir: tempfile::TempDir,
}

impl Scripts {
    /// # Errors
    /// The temporary directory cannot be created.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Scripts {
            dir: tempfile::tempdir()?,
        })
    }

    /// A script sending `body` by `method` with Confluent's media type; the body is read
    /// from a file, so nothing in it needs quoting for Lua.
    ///
    /// # Errors
    /// The files cannot be written.
    pub fn fixed_body(&self, name: &str, method: &str, body: &[u8]) -> anyhow::Result<PathBuf> {
        let body_path = self.dir.path().join(format!("{name}.body"));
        std::fs::write(&body_path, body)?;
        let script = format!(
            "local file = assert(io.open({path:?}, \"rb\"))\n\
             wrk.body = file:read(\"*a\")\n\
             file:close()\n\
             wrk.method = {method:?}\n\
             wrk.headers[\"Content-Type\"] = \"application/vnd.schemaregistry.v1+json\"\n",
            path = body_path.display().to_string(),
        );
        self.write(name, &script)
    }

    /// A script registering a new Avro record on every request, each under a subject of
    /// its own (`bench-new-<tag>-<n>`): `tag` keeps runs against one database apart.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn register_new(&self, tag: &str) -> anyhow::Result<PathBuf> {
        assert!(
            tag.chars().all(|c| c.is_ascii_alphanumeric()),
            "a tag goes into Avro names and paths unquoted"
        );
        // Lua long strings (`[[...]]`) keep JSON's backslashes as they are.
        let script = r#"local counter = 0
local headers = { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }
request = function()
  counter = counter + 1
  local name = "NTAG_" .. counter
  local body = [[{"schema":"{\"type\":\"record\",\"name\":\"]] .. name .. [[\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}"}]]
  return wrk.format("POST", "/subjects/bench-new-TAG-" .. counter .. "/versions", headers, body)
end
"#
        .replace("TAG", tag);
        self.write(&format!("register-new-{tag}"), &script)
    }

    fn write(&self, name: &str, script: &str) -> anyhow::Result<PathBuf> {
        let path = self.dir.path().join(format!("{name}.lua"));
        std::fs::write(&path, script)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 4s test @ http://127.0.0.1:1/schemas/ids/1
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.31us  120.11us   4.02ms   90.12%
    Req/Sec    52.41k     1.20k   54.00k    75.00%
  Latency Distribution
     50%  590.00us
     75%  640.00us
     90%  700.00us
     99%    1.20ms
  208612 requests in 4.00s, 60.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  52150.33
Transfer/sec:     15.03MB
";

    #[test]
    fn reads_a_report() {
        let figures = parse(REPORT).expect("figures");
        assert!((figures.requests_per_sec - 52_150.33).abs() < 1e-6);
        assert_eq!(figures.requests, 208_612);
        assert_eq!(figures.non_2xx, 7);
        assert_eq!(figures.socket_errors, 3);
        assert!((figures.p50_ms - 0.59).abs() < 1e-9);
        assert!((figures.p99_ms - 1.2).abs() < 1e-9);
    }

    #[test]
    fn a_report_without_a_rate_has_no_figures() {
        assert!(parse("Running 4s test @ http://127.0.0.1:1/\n").is_none());
        assert!(parse("Requests/sec: lots\n").is_none());
    }

    #[test]
    fn reads_durations() {
        assert_eq!(millis("2.00s"), Some(2_000.0));
        assert_eq!(millis("1.00m"), Some(60_000.0));
        assert_eq!(millis("5.5ms"), Some(5.5));
        assert_eq!(millis("5.5h"), None);
    }
}
