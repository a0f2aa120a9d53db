//! Git's global excludes file (`core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`),
//! found where git and the `ignore` crate look for it. The crate's own lookup compiles a
//! regex to read the config files, which cost half of a small run's discovery.

use std::path::{Path, PathBuf};

/// Git config files larger than this are not read for the setting.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The global excludes file, which may not exist. `GIT_CONFIG_GLOBAL` replaces both user
/// config files; `~/.gitconfig` wins over `$XDG_CONFIG_HOME/git/config`; the system
/// config (`GIT_CONFIG_SYSTEM`, else `/etc/gitconfig`) comes last.
pub(super) fn global_excludes_file() -> Option<PathBuf> {
    let home = home_dir();
    let xdg = xdg_config_home(home.as_deref());
    let user_configs = match non_empty_var("GIT_CONFIG_GLOBAL") {
        Some(global) => vec![global],
        None => [
            home.as_ref().map(|h| h.join(".gitconfig")),
            xdg.as_ref().map(|x| x.join("git/config")),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let system = non_empty_var("GIT_CONFIG_SYSTEM").unwrap_or_else(|| "/etc/gitconfig".into());
    user_configs
        .iter()
        .chain(std::iter::once(&system))
        .find_map(|config| {
            // A regular file of bounded size: a FIFO named by GIT_CONFIG_GLOBAL must not
            // block the run, nor a huge file fill memory. Git's own configs are a few KB.
            if !config.is_file() {
                return None;
            }
            let text = crate::source::read_at_most(config, MAX_CONFIG_BYTES, |_| String::new());
            excludes_file_setting(&text.ok()?, home.as_deref())
        })
        .or_else(|| xdg.map(|x| x.join("git/ignore")))
}

/// `excludesFile` of the `[core]` section (names are case-insensitive in git's config),
/// unquoted, with `~` expanded. The last setting wins, as in git.
fn excludes_file_setting(config: &str, home: Option<&Path>) -> Option<PathBuf> {
    let mut in_core = false;
    let mut found = None;
    for line in config.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[') {
            let name = section.split([']', ' ', '\t', '"']).next().unwrap_or("");
            in_core = name.eq_ignore_ascii_case("core");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if in_core && key.trim().eq_ignore_ascii_case("excludesfile") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            found = Some(match (value.strip_prefix('~'), home) {
                (Some(rest), Some(home)) => home.join(rest.trim_start_matches('/')),
                _ => PathBuf::from(value),
            });
        }
    }
    found.filter(|path| !path.as_os_str().is_empty())
}

fn non_empty_var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn home_dir() -> Option<PathBuf> {
    non_empty_var("HOME")
}

fn xdg_config_home(home: Option<&Path>) -> Option<PathBuf> {
    non_empty_var("XDG_CONFIG_HOME").or_else(|| home.map(|h| h.join(".config")))
}

#[cfg(test)]
mod tests {
    use super::excludes_file_setting;
    use std::path::{Path, PathBuf};

    #[test]
    fn reads_core_excludes_file_as_git_does() {
        let home = Some(Path::new("/home/u"));
        let setting = |config: &str| excludes_file_setting(config, home);
        assert_eq!(
            setting("[core]\n\texcludesfile = ~/.gitignore_global\n"),
            Some(PathBuf::from("/home/u/.gitignore_global"))
        );
        assert_eq!(
            setting("[user]\n name = x\n[Core]\n  ExcludesFile = \"/etc/ignore\"\n"),
            Some(PathBuf::from("/etc/ignore"))
        );
        assert_eq!(
            setting("[core]\nexcludesfile = /a\nexcludesfile = /b\n"),
            Some(PathBuf::from("/b"))
        );
        assert_eq!(setting("[user]\nexcludesfile = /a\n"), None);
        assert_eq!(setting("[core]\n# excludesfile = /a\n"), None);
        assert_eq!(setting("[core]\nexcludesfile =\n"), None);
    }
}
