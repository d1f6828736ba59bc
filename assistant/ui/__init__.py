"""The Streamlit app's helpers: factories for heavy objects, session state, and the pure functions that
turn library results into tables and files. Page scripts under `views/` hold layout only;
main.py is the script `streamlit run app.py` serves."""
