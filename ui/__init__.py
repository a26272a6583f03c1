"""Streamlit-side helpers shared by dashboard.py and the pages: cached data, filters, widgets. No KPI maths."""
