"""Suite text the suite tests share, from the issue's example."""

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

#: The issue's negative case: sent as written, refused with a V.* code.
EMPTY_PLAYER = '''
[[case]]
name = "empty player is refused"
game_id = "lm_8_treasureofzeus"
player_id = ""
expect = { outcome = "api_error", http = 400, code_prefix = "V." }
'''
