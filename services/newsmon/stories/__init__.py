"""Stories: the articles that report one event, across sources and languages (newsmon.stories.matching
says how they are told apart), and where the event happened (newsmon.stories.where)."""
