"""Data leaving the app in other systems' formats: FHIR R4 (mCODE) bundles and CSV.

Pure: domain objects in, plain dicts and text out. No Qt, no database, no services (an
import-linter contract keeps it so); the services gather what to export, these modules shape it.
"""
