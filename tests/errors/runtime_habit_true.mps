let ready = True
