"""The Textual training monitor: one face on the runner's events.

Import :func:`nntui.tui.app.run_app` only when the monitor is wanted: this
package pulls in Textual, which the headless command must never load.
"""
