"""The Streamlit app's helpers: factories for heavy objects, session state, and the pure functions that
turn library results into tables and files. Page scripts under `pages/` hold layout only."""
