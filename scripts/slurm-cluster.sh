#!/usr/bin/env bash
# A private single-node Slurm cluster on this machine, for the tests (test/slurm.test.ts) and for
# trying the README's Slurm recipe without a cluster:
#   scripts/slurm-cluster.sh start DIR   munged, slurmctld and slurmd, configured and run from DIR
#                                        (a new or empty folder), on free high ports; prints the
#                                        line to export (SLURM_CONF=DIR/slurm.conf) for sbatch/squeue
#   scripts/slurm-cluster.sh stop DIR    stops the three daemons started from DIR (by their pid files)
# Nothing system-wide is configured or started: its own munge key and socket, its own state, logs
# and pid files, all in DIR. The packages come from scripts/install-cluster-packages.sh. Needs root
# (slurmd runs jobs as their submitter).
set -euo pipefail
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
say() { printf '[slurm-cluster] %s\n' "$*" >&2; }

stop() {
  local name pid
  for name in slurmd slurmctld munged; do
    [ -f "$dir/$name.pid" ] || continue
    pid=$(cat "$dir/$name.pid")
    kill "$pid" 2>/dev/null || true
    # Up to 30 s for each daemon to go.
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/$name.pid"
  done
}

# A free TCP port on 127.0.0.1 in the high range.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
  for _ in $(seq $(($2 * 2))); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

start() {
  [ "$(id -u)" -eq 0 ] || { say "needs root: slurmd runs each job as the user who submitted it"; exit 3; }
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null || { say "$tool is missing: run scripts/install-cluster-packages.sh"; exit 3; }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 755 "$dir"
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 700 "$dir/munge"
  # Munge: a key of its own, its socket in DIR (Slurm is told where by AuthInfo).
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge/seed"
  wait_for "[ -S '$dir/munge/socket' ]" 30 || { say "munged did not start: see $dir/munged.log"; stop; exit 1; }

  local node=lenet5node cpus memory
  cpus=$(nproc)
  # What slurmd sees of this machine's memory, in MiB, less a little for the system.
  memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  memory=$((memory * 9 / 10))
  cat >"$dir/slurm.conf" <<CONF
# A single-node cluster for the project's tests, written by scripts/slurm-cluster.sh.
ClusterName=lenet5
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MinJobAge=3600
NodeName=$node NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -i
  slurmd -N "$node"
  # The node is up when the controller lists it idle.
  if ! wait_for "sinfo -h -N -o %t | grep -qx idle" 60; then
    say "the node did not come up: see $dir/slurmctld.log and $dir/slurmd.log"
    sinfo -N >&2 || true
    stop
    exit 1
  fi
  say "a single-node cluster runs ($cpus CPUs, $memory MiB); stop it with: $0 stop $dir"
  echo "export SLURM_CONF=$dir/slurm.conf"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
