"""Stand-ins for what cannot run here, speaking the real wire formats (ServiceNow,
Twilio's Messages API), and real Duckling and Redis servers on free ports."""
