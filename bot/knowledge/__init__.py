"""Knowledge answers: what a question is about (plan), who it is for (eligibility), yes/no facts
(verdicts) and the reply (answer). Pure: no Rasa, no I/O."""
