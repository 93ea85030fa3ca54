//! Finds the dashboard's npm assets (Natural Earth boundaries from `world-atlas`, the
//! TopoJSON decoder from `topojson-client`) for `include_bytes!`. They come from
//! `web/node_modules` when `npm ci` has run there, else this script installs the
//! locked packages into OUT_DIR with npm. Nothing is fetched at run time.

use std::path::{Path, PathBuf};
use std::process::Command;

const NEEDED: &[&str] = &[
    "node_modules/world-atlas/countries-50m.json",
    "node_modules/topojson-client/dist/topojson-client.min.js",
];

fn complete(dir: &Path) -> bool {
    NEEDED.iter().all(|f| dir.join(f).is_file())
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    println!(
        "cargo:rerun-if-changed={}",
        web.join("package-lock.json").display()
    );
    println!("cargo:rerun-if-changed={}", web.join("src").display());
    if complete(&web) {
        for f in NEEDED {
            println!("cargo:rerun-if-changed={}", web.join(f).display());
        }
    } else {
        // A path that does not exist makes cargo run this script on every build; watch
        // web/ itself instead, so that a later `npm ci` there is noticed.
        println!("cargo:rerun-if-changed={}", web.display());
    }
    let dir = if complete(&web) {
        web
    } else {
        let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("web");
        if !complete(&out) {
            std::fs::create_dir_all(&out).expect("create OUT_DIR/web");
            for f in ["package.json", "package-lock.json"] {
                std::fs::copy(web.join(f), out.join(f)).unwrap_or_else(|e| panic!("web/{f}: {e}"));
            }
            let status = Command::new("npm")
                .args([
                    "ci",
                    "--omit=dev",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                ])
                .current_dir(&out)
                .status();
            match status {
                Ok(s) if s.success() => {}
                Ok(s) => panic!(
                    "`npm ci` for the dashboard assets failed ({s}); run `npm ci` in web/ and build again"
                ),
                Err(e) => panic!(
                    "the dashboard's map and decoder come from npm at build time, and npm cannot run: {e}"
                ),
            }
            assert!(
                complete(&out),
                "npm ci did not install the dashboard assets"
            );
        }
        out
    };
    println!("cargo:rustc-env=RUTA_WEB_MODULES={}", dir.display());
    println!(
        "cargo:rustc-env=RUTA_WEB_SRC={}",
        manifest.join("../../web/src").display()
    );
}
