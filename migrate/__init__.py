"""Legacy config and hook-code converter (libcst)."""
