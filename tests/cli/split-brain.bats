#!/usr/bin/env bats
# ha-vz split-brain on its own, without DRBD or a peer: the command line, and what is refused
# before anything is touched. tests/lab/faults.bats resolves a real DRBD split brain.

load helpers

@test "split-brain --help names every option and the exit codes; ha-vz --help lists it" {
	run "$HAVZ" split-brain --help
	assert_status 0
	for o in resolve --keep --dry-run --config --node --peer-address --ssh-port --ssh-option; do
		assert_output_has "$o"
	done
	assert_output_has "Exit status: 0 saved and reconnected"
	assert_output_has "/var/lib/ha-vz/split-brain/CONTAINER-TIME-THISNODE.tar.gz"
	run "$HAVZ" --help
	assert_output_has "  split-brain "
}

@test "split-brain: a bad command line exits 2 and says what is expected" {
	run "$HAVZ" split-brain -c "$CONF"
	assert_status 2
	assert_line_exact "split-brain: expected 'resolve CONTAINER --keep NODE'"
	run "$HAVZ" split-brain -c "$CONF" undo web --keep beta
	assert_status 2
	run "$HAVZ" split-brain -c "$CONF" resolve web
	assert_status 2
	assert_output_has "--keep NODE is required"
	run "$HAVZ" split-brain -c "$CONF" resolve web --keep beta --ssh-port 70000
	assert_status 2
	assert_line_exact "split-brain: --ssh-port '70000': not a port (1 to 65535)"
	run "$HAVZ" split-brain -c "$CONF" resolve web --keep beta --bogus
	assert_status 2
}

@test "split-brain resolve: --keep must name the peer, the container must exist (exit 2, nothing run)" {
	run "$HAVZ" split-brain -c "$CONF" -n alpha resolve web --keep alpha
	assert_status 2
	assert_output_has "--keep alpha names this node: run it on beta, the node whose side is given up"
	run "$HAVZ" split-brain -c "$CONF" -n alpha resolve web --keep gamma
	assert_status 2
	assert_output_has "--keep 'gamma': not a node of $CONF (alpha, beta)"
	run "$HAVZ" split-brain -c "$CONF" -n alpha resolve nosuch --keep beta
	assert_status 2
	assert_line_exact "split-brain: no container 'nosuch' in $CONF"
	run "$HAVZ" split-brain -c "$CONF" -n gamma resolve web --keep beta
	assert_status 2
	assert_output_has "this node 'gamma' is not in $CONF"
}

@test "split-brain resolve: a broken configuration exits 3 naming the file" {
	echo "bogus = 1" >>"$CONF"
	run "$HAVZ" split-brain -c "$CONF" -n alpha resolve web --keep beta
	assert_status 3
	assert_output_has "$CONF:"
}
