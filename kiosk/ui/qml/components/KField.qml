import QtQuick
import QtQuick.Controls

// A large text field; its value is a draft in the view model, never decided here.
TextField {
    id: field
    property string errorText: ""
    implicitHeight: Theme.minTouch
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontBody
    color: Theme.text
    placeholderTextColor: Theme.muted
    leftPadding: 20
    rightPadding: 20
    background: Rectangle {
        radius: Theme.radius / 2
        color: Theme.surface
        border.width: field.activeFocus ? Theme.borderWidth * 2 : Theme.borderWidth
        border.color: field.errorText !== "" ? Theme.error
                      : field.activeFocus ? Theme.primary : Theme.border
    }
}
