# Sourced by src/it/consumers.sh and spark/build.sh: link_throwaway_repo HOME_REPO REPO makes REPO a local Maven
# repository whose every top-level folder is a symbolic link into HOME_REPO (plugins and libraries are never
# downloaded twice), except dev/sluice, which stays a real, empty folder: a build pointed at REPO finds only the
# Sluice jar installed there, never one from an earlier build.
link_throwaway_repo() {
  local home_repo=$1 repo=$2 entry
  mkdir -p "$repo/dev"
  for entry in "$home_repo"/*; do
    [[ $(basename "$entry") == dev ]] || ln -s "$entry" "$repo/"
  done
  if [[ -d $home_repo/dev ]]; then
    for entry in "$home_repo"/dev/*; do
      [[ $(basename "$entry") == sluice ]] || ln -s "$entry" "$repo/dev/"
    done
  fi
}
