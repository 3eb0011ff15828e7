"""Static analysis that keeps a tx-agent-style database package honest (TXD and TXI codes)."""
