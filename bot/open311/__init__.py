"""The Open311 GeoReport v2 API: departments and city platforms read and create reports.

``disclosure``, ``mapping`` and ``filters`` are pure; ``store`` works on a session;
``app.create_app`` builds the FastAPI application from a unit-of-work factory and the services.
"""
