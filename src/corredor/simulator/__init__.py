"""The policy simulator: the policy files' rules run over synthetic populations, day by day.

Modules: `network` (the corridor as nodes and routes), `scenario` (scenario files), `population`
(who is eligible when, through the vectorized evaluator), `model` (a scenario compiled to daily
arrays), `count_engine` and `agent_engine` (the same rules on head counts and on single people),
`smuggling` (the smugglers' market), `outputs`, `montecarlo` (runs on Dask), `report`,
`calibration`, and `flee_input` / `flee_engine` (Flee's input format and movement rules).
"""
