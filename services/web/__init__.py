"""Web pages (trang web) for the secretariat, agencies and the standing committee, in Vietnamese."""
