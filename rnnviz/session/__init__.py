"""The Qt-free model of one run (napari ViewerModel-like): settings, the main and compare
runs, their history, the cursor, events, and save/open/continue/export.

Importable without Qt; views (``rnnviz.ui``) take a Session and subscribe to its signals.
"""
