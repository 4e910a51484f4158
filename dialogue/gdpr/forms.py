from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(message="Enter your password.")])
    confirm = BooleanField("I understand that my account and personal data will be erased",
                           validators=[DataRequired(message="Tick the box to confirm.")])
