"""The assessment domain: factories and on-site needs assessments."""
