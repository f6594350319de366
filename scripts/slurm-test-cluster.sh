#!/usr/bin/env bash
# A throwaway one-node Slurm cluster for tests (Debian packages slurmctld, slurmd, slurm-client, munge),
# started without systemd, everything under STATE_DIR.
#
#   scripts/slurm-test-cluster.sh start STATE_DIR   write a munge key and slurm.conf, start munged (as the
#                                                   munge user), slurmctld and slurmd on free ports, wait
#                                                   for the node to be idle; print the slurm.conf path and
#                                                   write it to STATE_DIR/conf
#   scripts/slurm-test-cluster.sh stop STATE_DIR    stop the daemons, cancel what runs, remove STATE_DIR
#
# Clients find the cluster through SLURM_CONF=STATE_DIR/slurm.conf (the munge socket is named in it).
# The node is `hostname -s` with the CPUs and memory `slurmd -C` reports; select/linear and a partition
# with OverSubscribe=EXCLUSIVE give a whole node to each job; a count-only GRES `testgpu:2` stands in for GPUs.
# When this machine cannot run a cluster for a reason outside the project (not root, the packages or the
# munge user missing), `start` writes the reason to STATE_DIR/unavailable and exits 0: the tests then
# skip with it. Any other failure exits 1.
set -euo pipefail

action="${1:-}"
state="${2:-${ZKBENCH_SLURM_STATE:-/tmp/zkbench-slurm-test}}"

die() { echo "slurm-test-cluster: $*" >&2; exit 1; }
cannot() {
  mkdir -p "$state"
  echo "$*" >"$state/unavailable"
  echo "slurm-test-cluster: cannot start a cluster here: $*" >&2
  exit 0
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
  local host="$1" ctld_port="$2" slurmd_port="$3"
  local node
  # `slurmd -C` prints "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1
  # RealMemory=24105" (and an UpTime line): the node's line, as the hardware is.
  node="$(slurmd -C | head -1)"
  case "$node" in
    "NodeName=$host "*CPUs=*RealMemory=*) ;;
    *) die "unexpected 'slurmd -C' output: $node" ;;
  esac
  cat >"$state/slurm.conf" <<EOF
# One-node test cluster written by scripts/slurm-test-cluster.sh
ClusterName=zkbenchtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/linear
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
# Tests wait for jobs to end: signal-to-kill grace, and finished jobs stay visible to scontrol a while.
KillWait=5
MinJobAge=3600
MessageTimeout=20
GresTypes=testgpu
$node NodeAddr=127.0.0.1 Gres=testgpu:2 State=UNKNOWN
PartitionName=zkbench Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=EXCLUSIVE
EOF
  # Count-only: Slurm only counts it (gres/gpu itself drops GPUs without device files, so the stand-in
  # has a name of its own; jobs ask for it with fleet.gres: testgpu:1).
  echo "NodeName=$host Name=testgpu Count=2" >"$state/gres.conf"
  echo "" >"$state/plugstack.conf"
}

start_munge() {
  mkdir -p "$state/munge"
  dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
  chown -R munge:munge "$state/munge"
  chmod 0700 "$state/munge"
  chmod 0400 "$state/munge/munge.key"
  runuser -u munge -- munged --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
    --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" \
    --seed-file="$state/munge/munged.seed" --force \
    || die "munged did not start, see $state/munge/munged.log: $(tail -3 "$state/munge/munged.log" 2>/dev/null)"
}

wait_for_idle_node() {
  for _ in $(seq 1 120); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx 'idle'; then
      return 0
    fi
    sleep 0.5
  done
  die "the node did not become idle; sinfo: $(sinfo -N 2>&1 | tail -2); slurmd.log: $(tail -5 "$state/slurmd.log" 2>/dev/null)"
}

start() {
  rm -f "$state/unavailable"
  [ "$(id -u)" -eq 0 ] || cannot "slurmd must run as root (this is uid $(id -u))"
  for tool in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null 2>&1 || cannot "'$tool' is missing (install slurmctld slurmd slurm-client munge: scripts/install-deps.sh)"
  done
  id munge >/dev/null 2>&1 || cannot "there is no 'munge' user to run munged as"
  export SLURM_CONF="$state/slurm.conf"
  if [ -f "$state/conf" ] && pid_alive "$state/slurmctld.pid" && pid_alive "$state/slurmd.pid"; then
    cat "$state/conf"
    return
  fi
  stop_daemons
  rm -rf "$state"
  mkdir -p "$state/ctld" "$state/slurmd" "$state/jobs"
  chmod 0755 "$state" "$state/jobs"
  start_munge
  local host
  host="$(hostname -s)"
  local started=""
  for _ in 1 2 3; do
    write_conf "$host" "$(free_port)" "$(free_port)"
    rm -rf "$state/ctld"/* "$state/slurmd"/*
    if slurmctld -i -f "$SLURM_CONF" && slurmd -f "$SLURM_CONF"; then
      started=1
      break
    fi
    stop_daemons
  done
  [ -n "$started" ] || die "slurmctld/slurmd did not start, see $state/slurmctld.log: $(tail -5 "$state/slurmctld.log" 2>/dev/null)"
  wait_for_idle_node
  echo "$SLURM_CONF" | tee "$state/conf"
}

stop_daemons() {
  for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid" "$state/munge/munged.pid"; do
    if pid_alive "$pidfile"; then
      local pid
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

stop() {
  if [ -f "$state/slurm.conf" ] && pid_alive "$state/slurmctld.pid"; then
    SLURM_CONF="$state/slurm.conf" scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
  fi
  stop_daemons
  rm -rf "$state"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop [STATE_DIR]" ;;
esac
