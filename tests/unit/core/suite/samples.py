"""Suite text the suite tests share: the issue's header (``[suite]`` + ``[defaults]``)."""

#: Ends inside ``[defaults]``: a test may append more default keys.
HEADER = '''
[suite]
name = "smoke"

[defaults]
game_type = "slot"
player_id = "qa-1"
nickname = "QA"
language = "en"
currency = "USD"
session_id = "auto"
ip = "203.0.113.7"
'''
