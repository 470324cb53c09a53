module raftctl

go 1.26
