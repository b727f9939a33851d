//! wordfreq: counts the words of its standard input (a regex splits them) and prints the most
//! frequent ones as JSON, with the platform it runs on. `wordfreq --version` prints only that.
use anyhow::{Context, Result};
use regex::Regex;
use std::collections::HashMap;
use std::io::Read;

fn main() -> Result<()> {
    let platform = format!("linux/{}", std::env::consts::ARCH);
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("wordfreq {} on {}", env!("CARGO_PKG_VERSION"), platform);
        return Ok(());
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
    let word = Regex::new(r"[\p{L}']+")?;
    let mut counts: HashMap<String, u64> = HashMap::new();
    for m in word.find_iter(&text) {
        *counts.entry(m.as_str().to_lowercase()).or_default() += 1;
    }
    let mut top: Vec<_> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    let out = serde_json::json!({ "platform": platform, "top": top });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
