"""The Twilio side of a call: signed webhooks with Twilio's fields, TwiML heard as a
phone hears it, the terminal call and the Bespoken replay."""
