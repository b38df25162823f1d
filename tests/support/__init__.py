"""What the tests share besides fixtures: config paths, synth helpers, policy readers, harnesses.

Test modules import helpers from here, never from one another or from a
conftest.py, which hold only fixtures and pytest hooks
(tests/test_test_layout.py checks both).
"""
