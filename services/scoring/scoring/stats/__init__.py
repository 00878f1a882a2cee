"""Pure statistics core of the scoring service: numpy in, dataclasses of numpy out.

No I/O, no database, no clock: the service layer loads response matrices,
calls these functions and turns the dataclasses into wire structs.

Modules: `classical` (item and test analysis, incl. random-form banks),
`rates` (Wilson intervals, pass rates), `consistency` (Subkoviak decision
consistency before any calibration), `irt` (Rasch/2PL MML calibration,
EAP, Rudner, true-score equating, scaled scores), `simulate` (2PL data for
recovery tests and benchmarks).
"""
